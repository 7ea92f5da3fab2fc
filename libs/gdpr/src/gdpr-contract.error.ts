/**
 * A provider broke the GDPR contract (an undeclared dataset, a dataset yielded twice): a
 * programming error. Its message names datasets only, never a subject or a row, so it may be logged.
 */
export class GdprContractError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GdprContractError';
  }
}
