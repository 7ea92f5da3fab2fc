import { InboxException, toStanzaError } from '../inbox/inbox.exception';

/** Runs an IQ handler's work, turning the feature's errors into stanza errors. */
export async function answer<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw error instanceof InboxException ? toStanzaError(error) : error;
  }
}
