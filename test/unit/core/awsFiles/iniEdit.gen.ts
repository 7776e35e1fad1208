/**
 * Seeded generator of AWS config / credentials files for the property tests: comments of both
 * kinds (indented too), odd spacing, `:` delimiters, nested values, sso-session and services
 * sections, alias and exact duplicate headers, BOM, CRLF, missing final newline, unicode, some
 * huge files, and now and then a line the CLI cannot parse.
 */
import type { AwsFileKind } from '../../../../src/core/awsFiles/ownership';

export type Rng = () => number;

/** mulberry32 */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const pick = <T>(r: Rng, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
export const chance = (r: Rng, p: number): boolean => r() < p;
const int = (r: Rng, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));

export const PROFILE_NAMES = ['default', 'dev', 'prod', 'team-a', 'x.y', 'ü-ñ', 'sso1', 'ci'] as const;
const KEYS = ['region', 'output', 'role_arn', 'source_profile', 'mfa_serial', 'sso_session', 'Region_Name', 'x', 'duration_seconds', 'cli_pager', 'ca_bundle'];
const VALUES = ['eu-west-1', '0123', 'json', 'x ; not a comment', 'a # b', '', 'ünïcødé ☃', 'arn:aws:iam::123456789012:role/R', '=', 'a=b:c', '"quoted"', '1.0'];
const COMMENTS = ['# comment', '; semi', '  # indented', '\t; tabbed', '#', ';; [profile fake]', '# region = nope', '# ☕ café'];

function keyLine(r: Rng, key: string): string {
  const sep = pick(r, [' = ', '=', ' =', '= ', '\t=\t', ': ', ':', '  =  ']);
  const indent = chance(r, 0.05) ? ' ' : '';
  return `${indent}${key}${sep}${pick(r, VALUES)}${chance(r, 0.1) ? '  ' : ''}`;
}

function header(r: Rng, file: AwsFileKind, name: string): string {
  if (file === 'credentials') return `[${name}]`;
  if (name === 'default') return pick(r, ['[default]', '[default]', '[profile default]']);
  return pick(r, [`[profile ${name}]`, `[profile ${name}]`, `[profile  ${name}]`, `[profile "${name}"]`, `[profile\t${name}]`]);
}

export interface GeneratedFile {
  text: string;
  file: AwsFileKind;
}

export function generateFile(r: Rng, file: AwsFileKind, huge = false): GeneratedFile {
  const nl = chance(r, 0.3) ? '\r\n' : '\n';
  const lines: string[] = [];
  const used = new Set<string>();
  for (let i = int(r, 0, 2); i > 0; i--) lines.push(chance(r, 0.5) ? pick(r, COMMENTS) : '');
  if (chance(r, 0.02)) lines.push(keyLine(r, 'orphan')); // before any header: unparseable
  const sectionCount = huge ? int(r, 1500, 3000) : int(r, 0, 6);
  for (let s = 0; s < sectionCount; s++) {
    let h: string;
    const kind = r();
    if (huge) h = `[${file === 'config' ? 'profile ' : ''}p${s}]`;
    else if (file === 'config' && kind < 0.12) h = pick(r, ['[sso-session corp]', '[services local]', '[ profile dev ]', '[plugins]']);
    else h = header(r, file, pick(r, PROFILE_NAMES));
    if (used.has(h) && !chance(r, 0.03)) continue; // exact duplicate headers only rarely (unparseable)
    used.add(h);
    lines.push(chance(r, 0.1) ? `${h} ; trailing` : h);
    const keys = new Set<string>();
    for (let k = int(r, 0, huge ? 3 : 5); k > 0; k--) {
      const roll = r();
      if (roll < 0.12) lines.push(pick(r, COMMENTS));
      else if (roll < 0.2) lines.push('');
      else if (roll < 0.3) {
        const key = pick(r, ['s3', 'sts', 'ec2']);
        if (keys.has(key)) continue;
        keys.add(key);
        lines.push(`${key} =`);
        for (let j = int(r, 1, 3); j > 0; j--) lines.push(`${pick(r, ['  ', '    ', '\t'])}${pick(r, ['max_attempts', 'endpoint_url', 'addressing_style'])} = ${pick(r, VALUES)}`);
        if (chance(r, 0.2)) lines.push('  # nested comment');
      } else if (roll < 0.33 && file === 'credentials') {
        const key = pick(r, ['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token']);
        if (keys.has(key)) continue;
        keys.add(key);
        lines.push(`${key} = ${pick(r, ['AKIAEXAMPLE', 'longtermsecret/+='])}`);
      } else {
        let key = pick(r, KEYS);
        if (keys.has(key.toLowerCase()) && !chance(r, 0.02)) continue; // duplicate key: unparseable
        keys.add(key.toLowerCase());
        if (chance(r, 0.05)) key = key.toUpperCase();
        lines.push(keyLine(r, key));
      }
    }
    if (chance(r, 0.01)) lines.push('just some junk'); // unparseable
    if (chance(r, 0.5)) lines.push('');
  }
  let text = lines.join(nl);
  if (lines.length && chance(r, 0.75)) text += nl;
  if (chance(r, 0.08)) text = '\ufeff' + text;
  return { text, file };
}

export function randomValues(r: Rng, file: AwsFileKind): Record<string, string> {
  if (file === 'credentials') {
    const id = `ASIA${Math.floor(r() * 1e9)}`;
    const v: Record<string, string> = { aws_access_key_id: id, aws_secret_access_key: `s/${id}+x` };
    if (chance(r, 0.8)) v.aws_session_token = `tok${Math.floor(r() * 1e9)}`;
    return v;
  }
  const v: Record<string, string> = {};
  if (chance(r, 0.9)) v.region = pick(r, ['us-east-1', 'eu-west-1', 'ap-south-1', '0123']);
  if (chance(r, 0.5)) v.credential_process = `aws-sessions generate ${Math.floor(r() * 1e6)}`;
  if (chance(r, 0.3) || Object.keys(v).length === 0) v.output = pick(r, ['json', 'text']);
  return v;
}
