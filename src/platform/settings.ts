import * as vscode from 'vscode';
import { DEFAULT_REGION, SETTINGS_SECTION, Settings } from '../core/constants';
import type { EndpointSettings } from '../core/aws/endpoints';
import { isDeliveryMode, type DeliveryMode } from '../core/model';
import type { LoginFlowKind } from '../core/sso/oidc';
import { UserFacingError } from '../core/errors';
import { DEFAULT_PROFILE_TEMPLATE, templateProblem } from '../core/sso/profileNames';
import { t } from '../core/l10n';

function config(): vscode.WorkspaceConfiguration {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION);
}

export function endpointSettings(): EndpointSettings {
  const c = config();
  return {
    endpointUrl: c.get<string>(Settings.endpointUrl) || undefined,
    stsEndpointUrl: c.get<string>(Settings.stsEndpointUrl) || undefined,
    ssoEndpointUrl: c.get<string>(Settings.ssoEndpointUrl) || undefined,
    ssoOidcEndpointUrl: c.get<string>(Settings.ssoOidcEndpointUrl) || undefined,
  };
}

export function defaultRegion(): string {
  return config().get<string>(Settings.defaultRegion) || DEFAULT_REGION;
}

/** The profile name template of synced roles; a template that cannot be used stops the sync with the reason and the setting to fix. */
export function ssoProfileNameTemplate(): string {
  const template = config().get<string>(Settings.ssoProfileNameTemplate)?.trim() || DEFAULT_PROFILE_TEMPLATE;
  const problem = templateProblem(template);
  if (problem) {
    throw new UserFacingError(t('The setting {0}.{1} ("{2}") cannot be used: {3}.', SETTINGS_SECTION, Settings.ssoProfileNameTemplate, template, problem), t('Fix it in the settings (the default is "{0}"), then sync again.', DEFAULT_PROFILE_TEMPLATE));
  }
  return template;
}

/** Whether a login the AWS CLI cached is used, and whether ours is written there (the opt-in). */
export function ssoCliLoginSharing(): { read: boolean; write: boolean } {
  const c = config();
  return { read: c.get<boolean>(Settings.ssoUseCliLogin) ?? true, write: c.get<boolean>(Settings.ssoShareLogin) ?? false };
}

/** The awsSessions.samlBrowserPath setting (empty: look on the usual paths). */
export function samlBrowserPath(): string | undefined {
  return config().get<string>(Settings.samlBrowserPath)?.trim() || undefined;
}

/** How sessions without a mode of their own deliver credentials. */
export function defaultDeliveryMode(): DeliveryMode {
  const value = config().get<string>(Settings.deliveryMode);
  return isDeliveryMode(value) ? value : 'credentialsFile';
}

/** awsSessions.console.sessionDurationSeconds (clamped by the core). */
export function consoleSessionDuration(): number | undefined {
  return config().get<number>(Settings.consoleSessionDuration);
}

/** Where a console opens: the system browser, or a browser profile of the session's own (awsSessions.console.browser). */
export function consoleBrowser(): 'default' | 'isolated' {
  return config().get<string>(Settings.consoleBrowser) === 'isolated' ? 'isolated' : 'default';
}

/** The fraction of their lifetime after which credentials in files are refreshed (awsSessions.rotation.refreshAfterFraction). */
export function refreshAfterFraction(): number | undefined {
  return config().get<number>(Settings.rotationRefreshAfterFraction);
}

/** The IAM Identity Center login: the setting, else 'pkce' where the browser can reach this machine's loopback (a local desktop window), else 'device'. */
export function loginFlow(): LoginFlowKind {
  const setting = config().get<string>(Settings.ssoLoginFlow) ?? 'auto';
  if (setting === 'pkce' || setting === 'device') return setting;
  return vscode.env.uiKind === vscode.UIKind.Desktop && !vscode.env.remoteName ? 'pkce' : 'device';
}

/** awsSessions.accessKeyMaxAgeDays: remind when an IAM User key is older (0: off). */
export function accessKeyMaxAgeDays(): number {
  const days = config().get<number>(Settings.accessKeyMaxAgeDays) ?? 0;
  return Number.isFinite(days) && days > 0 ? Math.floor(days) : 0;
}
