/** The database cannot be reached or started; the message says what to do, in one line. */
export class DatabaseError extends Error {}
