/**
 * Identity-provider connectors outside the China ecosystem (kind `social`). Adding a provider is
 * one folder plus one line here. `types` are the vendor SDK's connection types
 * (`CreateExtIdpConnDto.type`): a connection of type `github:mobile` uses the same factory as
 * `github`, through its `handleMobile`.
 */
import type { SocialConnectorFactory } from '@gatehouse/connector-kit';
import { github } from './github/index.js';
import { google } from './google/index.js';
import { azureAd } from './azure-ad/index.js';
import { apple } from './apple/index.js';
import { gitlab } from './gitlab/index.js';
import { gitee } from './gitee/index.js';
import { slack } from './slack/index.js';
import { linkedin } from './linkedin/index.js';
import { facebook } from './facebook/index.js';
import { twitter } from './twitter/index.js';
import { oidc } from './oidc/index.js';
import { oauth } from './oauth/index.js';
import { saml } from './saml/index.js';

// Factories are generic in their config type; the registry erases it (config is validated by id).
type AnySocial = SocialConnectorFactory<any>;

export const socialIntlConnectors: Readonly<Record<string, AnySocial>> = Object.freeze({
  [github.manifest.id]: github,
  [google.manifest.id]: google,
  [azureAd.manifest.id]: azureAd,
  [apple.manifest.id]: apple,
  [gitlab.manifest.id]: gitlab,
  [gitee.manifest.id]: gitee,
  [slack.manifest.id]: slack,
  [linkedin.manifest.id]: linkedin,
  [facebook.manifest.id]: facebook,
  [twitter.manifest.id]: twitter,
  [oidc.manifest.id]: oidc,
  [oauth.manifest.id]: oauth,
  [saml.manifest.id]: saml,
});

/** Connection type → factory (`apple:web` and `apple` → apple, `github:mobile` → github …). */
export const socialIntlConnectorsByType: Readonly<Record<string, AnySocial>> = Object.freeze(
  Object.fromEntries(Object.values(socialIntlConnectors).flatMap((f) => f.manifest.types.map((t) => [t, f] as const))),
);

export function getSocialIntlConnectorFactory(type: string): AnySocial | undefined {
  return Object.hasOwn(socialIntlConnectorsByType, type) ? socialIntlConnectorsByType[type] : undefined;
}
