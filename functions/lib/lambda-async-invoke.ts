/** What an asynchronous invocation needs of a Lambda client: `send` of an InvokeCommand. */
export interface InvokeClient {
  send(command: unknown): Promise<unknown>;
}

/**
 * Invokes a function asynchronously (`InvocationType: 'Event'`): the call returns once Lambda has queued the event,
 * never waiting for the function, and Lambda retries a failed invocation itself. The Lambda client is loaded at
 * the first invocation, not in the caller's cold start; a test may give a client of its own.
 */
export function asyncInvoker(
  functionName: string,
  region: string,
  given?: InvokeClient,
): (event: object) => Promise<void> {
  let client: Promise<InvokeClient> | undefined = given ? Promise.resolve(given) : undefined;
  return async (event) => {
    const { InvokeCommand, LambdaClient } = await import('@aws-sdk/client-lambda');
    client ??= Promise.resolve(new LambdaClient({ region, maxAttempts: 3 }));
    await (await client).send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'Event',
        Payload: new TextEncoder().encode(JSON.stringify(event)),
      }),
    );
  };
}
