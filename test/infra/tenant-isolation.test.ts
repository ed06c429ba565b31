import { platformKey, tenantKey } from '@gridsafe/db';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { GSI_NAMES } from '../../infra/src/shared-stack.ts';
import {
  TENANT_TABLE_ACTIONS,
  tenantEvidenceStatement,
  tenantKeyPattern,
  tenantTableStatement,
} from '../../infra/src/tenant-policy.ts';
import { testCellStage } from '../support/test-cell.ts';

/**
 * Proves from the synthesized templates that no county's roles can reach another county's data. `abc` and
 * `abcd` are the prefix trap: `T#abc*` would let `abc` read `abcd`.
 */
const TENANTS = ['abc', 'abcd', 'taihe'] as const;

// Values the evaluator substitutes for CloudFormation pseudo parameters.
const PARTITION = 'aws-cn';
const REGION = 'cn-north-1';
const ACCOUNT = '123456789012';
const TABLE_ARN = `arn:${PARTITION}:dynamodb:${REGION}:${ACCOUNT}:table/gridsafe`;
const INDEX_ARNS = GSI_NAMES.map((name) => `${TABLE_ARN}/index/${name}`);
const BUCKET_ARN = `arn:${PARTITION}:s3:::gridsafe-evidence-${ACCOUNT}-${REGION}`;

interface PolicyStatementJson {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** One request as IAM sees it: the action, the resource, and the condition keys DynamoDB supplies. */
interface Request {
  action: string;
  resource: string;
  /** Partition keys the request names; undefined for a key-less request (Scan, or a malformed call). */
  leadingKeys?: string[];
  enclosingOperation?: string;
}

let templates: Map<string, Template>;
let statementsByTenant: Map<string, PolicyStatementJson[]>;
let platformStatements: PolicyStatementJson[];
/** Every stack of the cell (shared, tenants, control plane) by stack name. */
let cellTemplates: Map<string, Template>;

beforeAll(() => {
  const stage = testCellStage({ id: 'test-1', tenants: TENANTS.map((id) => ({ id })) });
  templates = new Map(TENANTS.map((tenant) => [tenant, Template.fromStack(stage.tenants.get(tenant)!)]));
  statementsByTenant = new Map(TENANTS.map((tenant) => [tenant, roleStatements(templates.get(tenant)!)]));
  platformStatements = roleStatements(Template.fromStack(stage.platform!));
  cellTemplates = new Map(
    [stage.shared, stage.platform!, ...stage.tenants.values()].map((stack) => [
      stack.stackName,
      Template.fromStack(stack),
    ]),
  );
});

/** Every statement of every role policy in a template, with intrinsics resolved to strings. */
function roleStatements(template: Template): PolicyStatementJson[] {
  return Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
    (policy) => resolve(policy.Properties.PolicyDocument.Statement) as PolicyStatementJson[],
  );
}

describe('tenant IAM policies in the synthesized templates', () => {
  it.each(TENANTS)(
    'confine every DynamoDB statement of %s to its own leading keys, with a Null check',
    (tenant) => {
      const dynamoStatements = statementsByTenant.get(tenant)!.filter((s) => actions(s).some(isDynamo));
      // The API's role, the escalation sweep's and the nightly assessment snapshot's.
      expect(dynamoStatements).toHaveLength(3);
      for (const statement of dynamoStatements) {
        expect(statement.Effect).toBe('Allow');
        expect(statement.Condition).toEqual({
          'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': [`T#${tenant}#*`] },
          Null: { 'dynamodb:LeadingKeys': 'false' },
        });
        expect(list(statement.Resource)).toEqual([TABLE_ARN, `${TABLE_ARN}/index/*`]);
        expect(actions(statement)).toContain('dynamodb:ConditionCheckItem');
        expect(actions(statement)).toContain('dynamodb:Query');
        expect(actions(statement)).not.toContain('dynamodb:Scan');
        expect(actions(statement).every((action) => !action.includes('*'))).toBe(true);
      }
    },
  );

  it.each(TENANTS)('grants %s no Scan, PartiQL or table administration anywhere', (tenant) => {
    const granted = statementsByTenant.get(tenant)!.flatMap(actions);
    for (const forbidden of [
      'dynamodb:Scan',
      'dynamodb:ExecuteStatement',
      'dynamodb:DescribeTable',
      'dynamodb:*',
    ]) {
      expect(granted).not.toContain(forbidden);
    }
  });

  it.each(TENANTS)('lets %s read the cell’s cursor and SMS secrets and no other secret', (tenant) => {
    const secretStatements = statementsByTenant
      .get(tenant)!
      .filter((s) => actions(s).some((a) => a.startsWith('secretsmanager:')));
    for (const statement of secretStatements)
      expect(actions(statement)).toEqual(['secretsmanager:GetSecretValue']);
    // The cursor secret for the API's role only (the sweep and the assessment hand out no cursors); the SMS
    // AccessKey for the API's and the sweep's, the two that send notices (issue 16), never the assessment's.
    expect(secretStatements.map((statement) => list(statement.Resource)).sort()).toEqual(
      [
        [`arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:gridsafe/page-cursor-??????`],
        [`arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:gridsafe/sms-aliyun-??????`],
        [`arn:${PARTITION}:secretsmanager:${REGION}:${ACCOUNT}:secret:gridsafe/sms-aliyun-??????`],
      ].sort(),
    );
  });

  it.each(TENANTS)(
    'limits the S3 statements of %s to objects under t/<id>/ and its pending uploads',
    (tenant) => {
      const s3Statements = statementsByTenant
        .get(tenant)!
        .filter((s) => actions(s).some((a) => a.startsWith('s3:')));
      expect(s3Statements).toHaveLength(1);
      expect(list(s3Statements[0]!.Resource)).toEqual([
        `${BUCKET_ARN}/t/${tenant}/*`,
        `${BUCKET_ARN}/pending/t/${tenant}/*`,
      ]);
      // PutObjectRetention: the confirmed photo's copy carries its Object Lock; never a delete or a bypass.
      expect(actions(s3Statements[0]!).sort()).toEqual([
        's3:GetObject',
        's3:PutObject',
        's3:PutObjectRetention',
      ]);
    },
  );

  it('uses the same statement the pure policy function builds', () => {
    const built = tenantTableStatement('taihe', TABLE_ARN).toStatementJson();
    const synthesized = statementsByTenant.get('taihe')!.find((s) => s.Sid === 'OwnCountyItems');
    expect(synthesized).toEqual(built);
  });
});

describe('the tenant policy functions', () => {
  it('end every key pattern in its delimiter', () => {
    expect(tenantKeyPattern('abc')).toBe('T#abc#*');
  });

  it('refuse a tenant id that would widen the grant', () => {
    for (const id of ['abc*', 'a#b', 'ab/c', '', 'ABC', 'a?c']) {
      expect(() => tenantTableStatement(id, TABLE_ARN), id).toThrow('must match');
      expect(() => tenantEvidenceStatement(id, BUCKET_ARN), id).toThrow('must match');
    }
  });
});

describe('tenant isolation, evaluated', () => {
  const ownKey = (tenant: string) => `T#${tenant}#RP#01J0000000000000000000000`;

  it.each(TENANTS)(
    'lets %s reach its own keys in the table and in every index (the evaluator can allow)',
    (tenant) => {
      const statements = statementsByTenant.get(tenant)!;
      for (const action of TENANT_TABLE_ACTIONS) {
        expect(allows(statements, { action, resource: TABLE_ARN, leadingKeys: [ownKey(tenant)] })).toBe(true);
      }
      for (const resource of INDEX_ARNS) {
        expect(
          allows(statements, { action: 'dynamodb:Query', resource, leadingKeys: [`T#${tenant}#DUE`] }),
        ).toBe(true);
      }
      expect(
        allows(statements, { action: 's3:PutObject', resource: `${BUCKET_ARN}/t/${tenant}/hazard/01J0.jpg` }),
      ).toBe(true);
    },
  );

  it.each(TENANTS)(
    "lets %s use the keys @gridsafe/db builds for it, and no other county's or the vendor's",
    (tenant) => {
      const statements = statementsByTenant.get(tenant)!;
      const request = (key: string) => ({
        action: 'dynamodb:Query',
        resource: INDEX_ARNS[0]!,
        leadingKeys: [key],
      });
      expect(allows(statements, request(tenantKey(tenant, 'RP', '01J0')))).toBe(true);
      for (const other of TENANTS.filter((candidate) => candidate !== tenant)) {
        expect(allows(statements, request(tenantKey(other, 'RP', '01J0')))).toBe(false);
      }
      expect(allows(statements, request(platformKey('TENANT')))).toBe(false);
    },
  );

  const pairs = TENANTS.flatMap((tenant) =>
    TENANTS.filter((other) => other !== tenant).map((other) => [tenant, other]),
  );

  it.each(pairs)("denies %s every action on %s's keys, in the table and in every index", (tenant, other) => {
    const statements = statementsByTenant.get(tenant)!;
    const foreignKeys = [`T#${other}#RP#1`, `T#${other}#`, `T#${other}#GRID`, `T#${other}`];
    for (const action of [...TENANT_TABLE_ACTIONS, 'dynamodb:Scan']) {
      for (const resource of [TABLE_ARN, ...INDEX_ARNS]) {
        for (const key of foreignKeys) {
          expect(allows(statements, { action, resource, leadingKeys: [key] }), `${action} ${key}`).toBe(
            false,
          );
        }
      }
    }
  });

  it.each(pairs)("denies %s photos under %s's prefix", (tenant, other) => {
    const statements = statementsByTenant.get(tenant)!;
    for (const action of ['s3:GetObject', 's3:PutObject']) {
      expect(allows(statements, { action, resource: `${BUCKET_ARN}/t/${other}/hazard/1.jpg` })).toBe(false);
      expect(
        allows(statements, { action, resource: `${BUCKET_ARN}/pending/t/${other}/hazards/1/2.jpg` }),
      ).toBe(false);
    }
  });

  it('denies abc the keys and photos of abcd although one id is a prefix of the other', () => {
    const statements = statementsByTenant.get('abc')!;
    expect(
      allows(statements, { action: 'dynamodb:GetItem', resource: TABLE_ARN, leadingKeys: ['T#abcd#RP#1'] }),
    ).toBe(false);
    expect(
      allows(statements, { action: 'dynamodb:GetItem', resource: TABLE_ARN, leadingKeys: ['T#abc#RP#1'] }),
    ).toBe(true);
    expect(allows(statements, { action: 's3:GetObject', resource: `${BUCKET_ARN}/t/abcd/x.jpg` })).toBe(
      false,
    );
    expect(allows(statements, { action: 's3:GetObject', resource: `${BUCKET_ARN}/t/abc/x.jpg` })).toBe(true);
  });

  it.each(TENANTS)('denies %s any request that names no partition key', (tenant) => {
    const statements = statementsByTenant.get(tenant)!;
    for (const action of [...TENANT_TABLE_ACTIONS, 'dynamodb:Scan']) {
      for (const resource of [TABLE_ARN, ...INDEX_ARNS]) {
        expect(allows(statements, { action, resource }), action).toBe(false);
        expect(allows(statements, { action, resource, leadingKeys: [] }), action).toBe(false);
      }
    }
  });

  it.each(TENANTS)('denies %s a batch that mixes its own key with a foreign one', (tenant) => {
    const statements = statementsByTenant.get(tenant)!;
    for (const action of ['dynamodb:BatchGetItem', 'dynamodb:BatchWriteItem']) {
      const request = { action, resource: TABLE_ARN, leadingKeys: [ownKey(tenant), 'T#zzz#RP#1'] };
      expect(allows(statements, request)).toBe(false);
    }
  });

  it.each(TENANTS)("denies %s the vendor's registry items", (tenant) => {
    const statements = statementsByTenant.get(tenant)!;
    expect(
      allows(statements, { action: 'dynamodb:Query', resource: TABLE_ARN, leadingKeys: ['P#TENANT'] }),
    ).toBe(false);
  });

  it.each(TENANTS)('denies %s listing, deleting or reading outside its prefix in the bucket', (tenant) => {
    const statements = statementsByTenant.get(tenant)!;
    expect(allows(statements, { action: 's3:ListBucket', resource: BUCKET_ARN })).toBe(false);
    expect(
      allows(statements, { action: 's3:DeleteObject', resource: `${BUCKET_ARN}/t/${tenant}/x.jpg` }),
    ).toBe(false);
    expect(allows(statements, { action: 's3:GetObject', resource: `${BUCKET_ARN}/t/${tenant}` })).toBe(false);
    expect(
      allows(statements, { action: 's3:GetObject', resource: `${BUCKET_ARN}/x/t/${tenant}/a.jpg` }),
    ).toBe(false);
  });
});

describe("the vendor's control plane, evaluated", () => {
  it('reads and writes registry items under P#, in the table and its indexes', () => {
    for (const action of ['dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:UpdateItem']) {
      expect(
        allows(platformStatements, { action, resource: TABLE_ARN, leadingKeys: ['P#TENANT'] }),
        action,
      ).toBe(true);
    }
    expect(
      allows(platformStatements, {
        action: 'dynamodb:Query',
        resource: INDEX_ARNS[0]!,
        leadingKeys: ['P#X'],
      }),
    ).toBe(true);
  });

  it.each(TENANTS)("cannot read, update or delete %s's items", (tenant) => {
    const leadingKeys = [`T#${tenant}#RP#1`];
    for (const action of [
      'dynamodb:GetItem',
      'dynamodb:BatchGetItem',
      'dynamodb:Query',
      'dynamodb:UpdateItem',
      'dynamodb:DeleteItem',
      'dynamodb:Scan',
    ]) {
      for (const resource of [TABLE_ARN, ...INDEX_ARNS]) {
        expect(allows(platformStatements, { action, resource, leadingKeys }), action).toBe(false);
        expect(
          allows(platformStatements, {
            action,
            resource,
            leadingKeys,
            enclosingOperation: 'TransactWriteItems',
          }),
          action,
        ).toBe(false);
      }
    }
  });

  it('seeds a new county only with puts and condition checks inside a transaction', () => {
    const leadingKeys = ['T#newcounty#GRID'];
    for (const action of ['dynamodb:PutItem', 'dynamodb:ConditionCheckItem']) {
      expect(
        allows(platformStatements, {
          action,
          resource: TABLE_ARN,
          leadingKeys,
          enclosingOperation: 'TransactWriteItems',
        }),
      ).toBe(true);
      expect(allows(platformStatements, { action, resource: TABLE_ARN, leadingKeys })).toBe(false);
    }
    expect(
      allows(platformStatements, {
        action: 'dynamodb:PutItem',
        resource: TABLE_ARN,
        leadingKeys: ['T#newcounty#GRID', 'X#other'],
        enclosingOperation: 'TransactWriteItems',
      }),
    ).toBe(false);
  });

  it('denies key-less requests and Scan', () => {
    for (const action of ['dynamodb:Scan', 'dynamodb:Query', 'dynamodb:PutItem', 'dynamodb:GetItem']) {
      expect(allows(platformStatements, { action, resource: TABLE_ARN }), action).toBe(false);
      expect(
        allows(platformStatements, { action, resource: TABLE_ARN, enclosingOperation: 'TransactWriteItems' }),
        action,
      ).toBe(false);
    }
    expect(platformStatements.flatMap(actions)).not.toContain('dynamodb:Scan');
  });

  it('cannot touch the evidence bucket', () => {
    expect(platformStatements.flatMap(actions).some((action) => action.startsWith('s3:'))).toBe(false);
  });
});

describe('user administration in the synthesized templates', () => {
  /** Every IAM statement of a template, from role policies and inline role policies alike, with its role. */
  function cognitoGrants(template: Template): { role: string; actions: string[] }[] {
    const policies = Object.values(template.findResources('AWS::IAM::Policy')).map((policy) => ({
      roles: JSON.stringify(policy.Properties.Roles),
      statements: policy.Properties.PolicyDocument.Statement as PolicyStatementJson[],
    }));
    const inline = Object.entries(template.findResources('AWS::IAM::Role')).flatMap(([id, role]) =>
      ((role.Properties.Policies ?? []) as { PolicyDocument: { Statement: PolicyStatementJson[] } }[]).map(
        (policy) => ({ roles: id, statements: policy.PolicyDocument.Statement }),
      ),
    );
    return [...policies, ...inline].flatMap(({ roles, statements }) =>
      statements
        .map((statement) => ({ role: roles, actions: actions(statement) }))
        .filter((grant) => grant.actions.some((action) => action.toLowerCase().startsWith('cognito-idp:'))),
    );
  }

  it('gives no role of any county stack a cognito-idp action', () => {
    const countyStacks = [...cellTemplates].filter(([name]) => name.startsWith('Gridsafe-Tenant-'));
    expect(countyStacks).toHaveLength(TENANTS.length);
    for (const [name, template] of countyStacks) expect(cognitoGrants(template), name).toEqual([]);
  });

  it("gives the cell pool's admin actions to the user-administration function's role alone", () => {
    const shared = cognitoGrants(cellTemplates.get('Gridsafe-Shared')!);
    expect(shared).toHaveLength(1);
    expect(shared[0]!.role).toMatch(/UserAdminFunctionRole/);
    // The control plane's narrow onboarding statement names the cell's pool too; it is the vendor's, not a county's.
    expect(
      cognitoGrants(cellTemplates.get('Gridsafe-Platform')!)
        .flatMap((grant) => grant.actions)
        .sort(),
    ).toEqual([
      'cognito-idp:AdminCreateUser',
      'cognito-idp:AdminDisableUser',
      'cognito-idp:AdminSetUserPassword',
      'cognito-idp:ListUsers',
    ]);
  });

  it.each(TENANTS)('lets only the API role of %s call the user-administration service', (tenant) => {
    const statements = statementsByTenant.get(tenant)!;
    const invoke = statements.filter((statement) =>
      actions(statement).some((a) => a.startsWith('execute-api:')),
    );
    expect(invoke).toHaveLength(1);
    expect(actions(invoke[0]!)).toEqual(['execute-api:Invoke']);
    for (const resource of list(invoke[0]!.Resource))
      expect(resource).toMatch(/\/\$default\/\*\/v1\/users(\/\*)?$/);
  });
});

/**
 * A small IAM evaluator for the statements these stacks produce: an explicit Deny wins, otherwise any
 * matching Allow allows. Condition operators it does not know make it throw, so it can never pass a
 * statement by ignoring part of it.
 */
function allows(statements: PolicyStatementJson[], request: Request): boolean {
  const matching = statements.filter(
    (s) =>
      actions(s).some((a) => like(a, request.action)) &&
      list(s.Resource).some((r) => like(r, request.resource)) &&
      conditionsHold(s.Condition ?? {}, request),
  );
  return matching.some((s) => s.Effect === 'Allow') && !matching.some((s) => s.Effect === 'Deny');
}

function conditionsHold(
  conditions: Record<string, Record<string, string | string[]>>,
  request: Request,
): boolean {
  const context: Record<string, string[] | undefined> = {
    'dynamodb:LeadingKeys':
      request.leadingKeys && request.leadingKeys.length > 0 ? request.leadingKeys : undefined,
    'dynamodb:EnclosingOperation': request.enclosingOperation ? [request.enclosingOperation] : undefined,
  };
  return Object.entries(conditions).every(([operator, entries]) =>
    Object.entries(entries).every(([key, expected]) => {
      if (!(key in context)) throw new Error(`The evaluator does not know the condition key ${key}`);
      const values = context[key];
      const patterns = list(expected);
      switch (operator) {
        case 'ForAllValues:StringLike':
          return (values ?? []).every((value) => patterns.some((pattern) => like(pattern, value)));
        case 'Null':
          return patterns[0] === 'true' ? values === undefined : values !== undefined;
        case 'StringEquals':
          return values !== undefined && values.length === 1 && patterns.includes(values[0]!);
        default:
          throw new Error(`The evaluator does not know the condition operator ${operator}`);
      }
    }),
  );
}

/** IAM's `*` and `?` wildcards, anchored at both ends. */
function like(pattern: string, value: string): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`).test(value);
}

function actions(statement: PolicyStatementJson): string[] {
  return list(statement.Action);
}

function isDynamo(action: string): boolean {
  return action.startsWith('dynamodb:');
}

function list<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

/** Replaces the intrinsic functions these templates use with concrete strings. */
function resolve(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolve);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  if ('Ref' in object) {
    const ref = String(object.Ref);
    const pseudo: Record<string, string> = {
      'AWS::Partition': PARTITION,
      'AWS::Region': REGION,
      'AWS::AccountId': ACCOUNT,
      'AWS::URLSuffix': 'amazonaws.com.cn',
    };
    return pseudo[ref] ?? `<${ref}>`;
  }
  if ('Fn::Join' in object) {
    const [separator, parts] = object['Fn::Join'] as [string, unknown[]];
    return parts.map((part) => String(resolve(part))).join(separator);
  }
  if ('Fn::GetAtt' in object) {
    const [logicalId, attribute] = object['Fn::GetAtt'] as [string, string];
    return `<${logicalId}.${attribute}>`;
  }
  return Object.fromEntries(Object.entries(object).map(([key, inner]) => [key, resolve(inner)]));
}
