/** The minimum an event needs for the store: its id. @public */
export interface HistoryEventLike {
  readonly id: number;
}
