import { STATUS_CODES } from 'node:http';

/** The contract's error body: `{statusCode, error, message}`, plus a stable `code` and the request id. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string | string[];
  code?: string;
  requestId?: string;
}

export function errorBody(
  statusCode: number,
  message: string | string[],
  extra: { code?: string; requestId?: string } = {},
): ErrorBody {
  return {
    statusCode,
    error: STATUS_CODES[statusCode] ?? 'Error',
    message,
    ...(extra.code ? { code: extra.code } : {}),
    ...(extra.requestId ? { requestId: extra.requestId } : {}),
  };
}
