/**
 * One pass over parsed config and credentials files: every profile's section in each file (the one the
 * CLI reads: the last header naming it) and every `[sso-session name]`. Linear in the file size, so
 * 5,000-profile files stay fast (no per-profile scan of all headers).
 */
import { IniDocument, IniSection } from './iniEdit';
import { profileOfHeader, type AwsFileKind } from './ownership';
import { shlexSplit } from './shlex';

export interface IndexedSection {
  section: IniSection;
  values: Record<string, string>;
}

export interface IndexedProfile {
  name: string;
  credentials?: IndexedSection;
  config?: IndexedSection;
}

export interface ProfileIndex {
  /** In first-seen order: credentials file first, then config. */
  profiles: Map<string, IndexedProfile>;
  ssoSessions: Map<string, IndexedSection>;
}

function sectionsByProfile(doc: IniDocument, file: AwsFileKind): Map<string, IniSection> {
  const out = new Map<string, IniSection>();
  for (const s of doc.sections) {
    const name = profileOfHeader(file, s.header);
    if (name !== undefined && name !== 'DEFAULT') out.set(name, s);
  }
  return out;
}

export function indexProfiles(credentials: IniDocument | undefined, config: IniDocument | undefined): ProfileIndex {
  const profiles = new Map<string, IndexedProfile>();
  const get = (name: string) => {
    let p = profiles.get(name);
    if (!p) profiles.set(name, (p = { name }));
    return p;
  };
  if (credentials) for (const [name, section] of sectionsByProfile(credentials, 'credentials')) get(name).credentials = { section, values: credentials.values(section) };
  if (config) for (const [name, section] of sectionsByProfile(config, 'config')) get(name).config = { section, values: config.values(section) };
  const ssoSessions = new Map<string, IndexedSection>();
  if (config) {
    for (const s of config.sections) {
      if (!s.header.startsWith('sso-session')) continue;
      const parts = shlexSplit(s.header);
      if (parts && parts.length === 2 && parts[0] === 'sso-session') ssoSessions.set(parts[1], { section: s, values: config.values(s) });
    }
  }
  return { profiles, ssoSessions };
}

/** A profile's effective values as botocore merges them (credentials file wins over config): a section's own values when only one file has the profile. */
export function mergedValues(p: IndexedProfile): Readonly<Record<string, string>> {
  if (!p.credentials) return p.config?.values ?? {};
  if (!p.config) return p.credentials.values;
  return { ...p.config.values, ...p.credentials.values };
}
