import { ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import type { Construct } from 'constructs';

/**
 * The cell's Alibaba Cloud SMS AccessKey (issue 16): `{"accessKeyId": "...", "accessKeySecret": "..."}`, and
 * optionally `"endpoint"`. One per cell, not per county: a secret costs US$0.40 a month, four times an idle county's
 * whole budget, and the messages go out under each county's own approved sign and templates anyway. The stack
 * creates it empty; the operator puts the vendor's RAM user's key in it (docs/deploy.md, "SMS"). Only the county
 * functions that send notices (the API and the escalation sweep) may read it.
 */
export const SMS_SECRET_NAME = 'gridsafe/sms-aliyun';

export function createSmsSecret(scope: Construct): secretsmanager.Secret {
  const secret = new secretsmanager.Secret(scope, 'SmsSecret', {
    secretName: SMS_SECRET_NAME,
    description:
      'Gridsafe: the Alibaba Cloud SMS AccessKey every county of this cell sends notices with (empty until set)',
    generateSecretString: {
      // A placeholder nobody can send with: the functions treat an empty accessKeyId as "not configured".
      secretStringTemplate: JSON.stringify({ accessKeyId: '', accessKeySecret: '' }),
      generateStringKey: 'placeholder',
      passwordLength: 8,
    },
    removalPolicy: RemovalPolicy.RETAIN,
  });
  Validations.of(secret).acknowledge({
    id: 'AwsSolutions-SMG4',
    reason:
      "An Alibaba Cloud AccessKey is rotated in Alibaba Cloud's RAM console, which no Secrets Manager rotation " +
      'function can reach from the cell; the operator rotates it as docs/deploy.md describes.',
  });
  return secret;
}

/** The SMS secret's ARN as a county stack names it (Secrets Manager's six random characters matched by `??????`). */
export function smsSecretArn(scope: Construct): string {
  return Stack.of(scope).formatArn({
    service: 'secretsmanager',
    resource: 'secret',
    resourceName: `${SMS_SECRET_NAME}-??????`,
    arnFormat: ArnFormat.COLON_RESOURCE_NAME,
  });
}

/** Read the cell's SMS AccessKey, nothing else. */
export function smsSecretStatement(scope: Construct): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ReadCellSmsSecret',
    actions: ['secretsmanager:GetSecretValue'],
    resources: [smsSecretArn(scope)],
  });
}
