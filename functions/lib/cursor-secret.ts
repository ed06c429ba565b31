import { createHash, createHmac } from 'node:crypto';
import { type CursorSecrets, parseCursorSecrets } from '@gridsafe/db';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/** GetSecretValue of the cell's cursor secret, signed with the function role's credentials. */
export async function fetchCursorSecrets(secretId: string, region: string): Promise<CursorSecrets> {
  return parseCursorSecrets(await fetchSecretString(secretId, region, 'the cursor secret'));
}

/** GetSecretValue of one of the cell's secrets (the cursor secret, the SMS AccessKey), as its string. */
export async function fetchSecretString(secretId: string, region: string, what: string): Promise<string> {
  const request = signedGetSecretValue(secretId, region, credentialsFromEnv(), new Date());
  const response = await fetch(request.url, {
    method: 'POST',
    headers: request.headers,
    body: request.body,
    signal: AbortSignal.timeout(3_000),
  });
  if (!response.ok) throw new Error(`Secrets Manager answered ${response.status} for ${what}.`);
  const { SecretString } = (await response.json()) as { SecretString?: string };
  if (!SecretString) throw new Error(`${what} has no string value.`);
  return SecretString;
}

function credentialsFromEnv(): AwsCredentials {
  const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = process.env;
  if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY) throw new Error('No AWS credentials in the environment.');
  return {
    accessKeyId: AWS_ACCESS_KEY_ID,
    secretAccessKey: AWS_SECRET_ACCESS_KEY,
    ...(AWS_SESSION_TOKEN ? { sessionToken: AWS_SESSION_TOKEN } : {}),
  };
}

/** A Secrets Manager GetSecretValue request signed with Signature Version 4. */
export function signedGetSecretValue(
  secretId: string,
  region: string,
  credentials: AwsCredentials,
  now: Date,
): { url: string; headers: Record<string, string>; body: string } {
  const host = `secretsmanager.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
  const body = JSON.stringify({ SecretId: secretId });
  const amzDate = now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host,
    'x-amz-content-sha256': sha256(body),
    'x-amz-date': amzDate,
    'x-amz-target': 'secretsmanager.GetSecretValue',
    ...(credentials.sessionToken ? { 'x-amz-security-token': credentials.sessionToken } : {}),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    '/',
    '',
    ...names.map((name) => `${name}:${headers[name]}`),
    '',
    names.join(';'),
    sha256(body),
  ].join('\n');
  const scope = `${day}/${region}/secretsmanager/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256(canonical)].join('\n');
  let key: Buffer = hmac(`AWS4${credentials.secretAccessKey}`, day);
  for (const part of [region, 'secretsmanager', 'aws4_request']) key = hmac(key, part);
  const signature = hmac(key, toSign).toString('hex');
  const { host: _host, ...sent } = headers;
  return {
    url: `https://${host}/`,
    body,
    headers: {
      ...sent,
      authorization: `AWS4-HMAC-SHA256 Credential=${credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
    },
  };
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}
