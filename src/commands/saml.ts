/**
 * SAML: sessions for every role one IdP sign-in offers. From a federated session (its node, id or alias,
 * or a pick): the roles of its sign-in URL's last sign-in in this window (or a sign-in now), those without
 * a session in a multi-select pick, and one session each — all sharing that one sign-in while the
 * assertion stays valid.
 */
import * as vscode from 'vscode';
import { Commands } from '../core/constants';
import type { IamRoleFederatedSession, Session } from '../core/model';
import { sessionType } from '../core/sessions/registry';
import { federatedSessionValues, rolePairLabel, rolesWithoutSession } from '../core/saml/rolePick';
import type { SharedSamlCapture } from '../core/saml/sharedCapture';
import type { SessionService } from '../core/sessionService';
import type { AwsFiles } from '../core/awsFiles/awsFiles';
import type { TreeNode } from '../tree/sessionTree';
import { inform } from './report';
import type { Report } from './report';
import { sessionHandler } from './sessionArg';
import type { CommandTable } from './table';

export interface SamlCommandDeps {
  service: SessionService;
  sharedSaml: SharedSamlCapture;
  files: Pick<AwsFiles, 'listProfiles'>;
  view: vscode.TreeView<TreeNode>;
  report: Report;
}

export function samlCommands(deps: SamlCommandDeps) {
  const { service, sharedSaml } = deps;
  const isFederated = (s: Session) => !!sessionType(s.kind).samlSignIn;

  return {
    [Commands.addSamlRoles]: sessionHandler(
      { state: service.state, view: deps.view, report: deps.report },
      vscode.l10n.t('Add sessions for SAML roles'),
      vscode.l10n.t('SAML session whose sign-in offers the roles'),
      async (picked) => {
        const from = picked as IamRoleFederatedSession;
        if (sharedSaml.offeredRoles(from.idpUrl).length === 0) {
          await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('AWS Sessions: signing in at the IdP of "{0}"…', from.alias) }, () =>
            sharedSaml.capture({ sessionAlias: from.alias, idpUrl: from.idpUrl, background: false }),
          );
        }
        const state = await service.state.read();
        const missing = rolesWithoutSession(sharedSaml.offeredRoles(from.idpUrl), state.sessions, from.idpUrl);
        if (missing.length === 0) {
          inform(vscode.l10n.t('every role the sign-in of "{0}" offers has a session.', from.alias));
          return;
        }
        const chosen = await vscode.window.showQuickPick(
          missing.map((pair) => ({ label: rolePairLabel(pair), description: pair.roleArn, detail: vscode.l10n.t('via {0}', pair.providerArn), picked: true, pair })),
          { canPickMany: true, title: vscode.l10n.t('Roles the IdP of "{0}" offers without a session', from.alias), placeHolder: vscode.l10n.t('Sessions to create (they share one sign-in)') },
        );
        if (!chosen || chosen.length === 0) return;
        const values = federatedSessionValues(chosen.map((c) => c.pair), state, await deps.files.listProfiles(), from.idpUrl, from.region);
        const created: string[] = [];
        const failed: string[] = [];
        for (const v of values) {
          try {
            created.push((await service.editor.save('iamRoleFederated', v)).alias);
          } catch (error) {
            failed.push(`${v.alias} (${error instanceof Error ? error.message : String(error)})`);
          }
        }
        if (failed.length) void vscode.window.showWarningMessage(vscode.l10n.t('AWS Sessions: {0} session(s) created; not created: {1}.', created.length, failed.join('; ')));
        else inform(vscode.l10n.t('{0} session(s) created: {1}. Starting them signs in once while the assertion is valid.', created.length, created.join(', ')));
      },
      isFederated,
    ),
  } satisfies CommandTable;
}
