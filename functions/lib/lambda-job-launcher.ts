import type { JobLauncher } from '@gridsafe/api/jobs';

/**
 * Starts a register job in the county's job function, invoked asynchronously (`Event`): the API answers at once,
 * and Lambda retries a failed invocation itself. The Lambda client is loaded at the first job, not in the API's
 * cold start.
 */
export function lambdaJobLauncher(functionName: string, region: string): JobLauncher {
  let client: Promise<{ send(command: unknown): Promise<unknown> }> | undefined;
  return {
    async launch(event) {
      const { LambdaClient, InvokeCommand } = await import('@aws-sdk/client-lambda');
      client ??= Promise.resolve(new LambdaClient({ region, maxAttempts: 3 }));
      await (await client).send(
        new InvokeCommand({
          FunctionName: functionName,
          InvocationType: 'Event',
          Payload: new TextEncoder().encode(JSON.stringify(event)),
        }),
      );
    },
  };
}
