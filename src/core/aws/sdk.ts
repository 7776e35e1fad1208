/**
 * The only module that imports the AWS SDK. esbuild emits it as its own bundle (dist/sdk.js),
 * loaded on the first AWS call, so activation never pays for it.
 */
export {
  STSClient,
  GetSessionTokenCommand,
  AssumeRoleCommand,
  AssumeRoleWithSAMLCommand,
  GetCallerIdentityCommand,
  GetFederationTokenCommand,
} from '@aws-sdk/client-sts';
export { SSOOIDCClient, RegisterClientCommand, StartDeviceAuthorizationCommand, CreateTokenCommand } from '@aws-sdk/client-sso-oidc';
export { SSOClient, ListAccountsCommand, ListAccountRolesCommand, GetRoleCredentialsCommand, LogoutCommand } from '@aws-sdk/client-sso';
export { IAMClient, CreateAccessKeyCommand, DeleteAccessKeyCommand, ListAccessKeysCommand } from '@aws-sdk/client-iam';
export { SSMClient, DescribeInstanceInformationCommand, paginateDescribeInstanceInformation } from '@aws-sdk/client-ssm';
