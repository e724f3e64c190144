export interface Freeze {
  id: string;
  environment: string;
  start: Date;
  end: Date;
  reason: string;
  createdBy: string;
  createdAt: Date;
}

export abstract class FreezeRepository {
  abstract add(freeze: Freeze): Promise<void>;
  abstract remove(id: string): Promise<boolean>;
  abstract list(environment: string | undefined): Promise<Freeze[]>;
  /** Freezes overlapping [start, end) on `environment`, or on any environment when undefined. */
  abstract overlapping(environment: string | undefined, start: Date, end: Date): Promise<Freeze[]>;
}
