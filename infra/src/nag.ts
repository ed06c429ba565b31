import { Stack, Token, Validations } from 'aws-cdk-lib';
import type { IConstruct } from 'constructs';

/**
 * An ARN as cdk-nag spells it in a finding id: pseudo parameters it cannot resolve appear as
 * `<AWS::Region>`, but a stack deployed to a fixed account and region shows the literal values there.
 */
export function nagArn(scope: IConstruct, service: string, resource: string): string {
  const stack = Stack.of(scope);
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  return `arn:<AWS::Partition>:${service}:${region}:${account}:${resource}`;
}

/**
 * Acknowledges one wildcard resource (AwsSolutions-IAM5) on `construct`. Each one is acknowledged on its own,
 * so a new wildcard elsewhere still fails synthesis.
 */
export function acknowledgeWildcardResource(construct: IConstruct, resource: string, reason: string): void {
  Validations.of(construct).acknowledge({ id: `AwsSolutions-IAM5[Resource::${resource}]`, reason });
}
