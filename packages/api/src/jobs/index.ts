export * from './job-launcher.ts';
export * from './run-register-job.ts';
