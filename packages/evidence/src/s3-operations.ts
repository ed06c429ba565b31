/**
 * The S3 commands and the presigner, imported with `import()` by the code that needs them, so that a Lambda
 * cold start whose request never touches a photo does not load them (the bundler makes this a chunk).
 */
export {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
export { getSignedUrl } from '@aws-sdk/s3-request-presigner';
