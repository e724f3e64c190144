export interface CalendarActor {
  id: string;
  role: string;
  ip: string | null;
}
