export { ActivityModule } from './infrastructure/activity.module';
export { NOTIFICATION_KINDS } from './domain/notices';
export type { Notification, NotificationKind } from './domain/notices';
