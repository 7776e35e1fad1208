/** The AWS shared files: byte-preserving edits of exactly the keys a session owns. */
export { AwsFiles, expandPath } from './awsFiles';
export type { AwsFilesOptions, ConfigValues, CredentialValues, ProfileInfo, RevertSummary } from './awsFiles';
export { IniDocument, IniParseError } from './iniEdit';
export type { IniParseProblem } from './iniEdit';
export {
  applyOwned,
  assertValidProfileName,
  ForeignCredentialsError,
  InvalidProfileNameError,
  isOwnedKeys,
  revertOwned,
  sectionHeaderFor,
} from './ownership';
export type { AwsFileKind, OwnedKey, OwnedKeys, RevertResult } from './ownership';
