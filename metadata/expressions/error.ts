/** The error a rule that cannot be compiled throws. */

export class ExpressionError extends Error {
  /** The operator at fault, when there is one. */
  readonly operator: string | undefined;
  constructor(message: string, operator?: string) {
    super(message);
    this.name = 'ExpressionError';
    this.operator = operator;
  }
}
