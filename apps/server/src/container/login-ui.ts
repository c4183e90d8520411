import type { Kysely } from 'kysely';
import { createLoginUi, type LoginUi } from '../flows/login-ui/service.js';
import { createUiFlowStore } from '../flows/login-ui/store.js';
import type { SignInEngine } from '../flows/engine/engine.js';
import type { LoginMethodRegistry } from '../login-methods/registry.js';
import type { ApplicationsService } from '../services/applications.js';
import { createBrandingService, type BrandingService } from '../services/branding/service.js';
import type { EventService } from '../services/events/service.js';
import type { QrCodeService } from '../services/qrcode/service.js';
import type { Database } from '../storage/db/schema.js';
import type { KvStore } from '../storage/kv/types.js';
import type { ApplicationsRepo } from '../storage/repositories/applications.js';
import { createBrandingRepo } from '../storage/repositories/branding.js';
import type { Authentication } from './authentication.js';
import type { PasscodeFlows } from './passcodes.js';
import type { Accounts } from './accounts.js';

/** The login UI's graph: branding (pool and app) and the login-UI flows over the sign-in engine (docs/login-ui.md). */
export function createLoginUiGraph(deps: {
  db: Kysely<Database>;
  kv: KvStore;
  engine: SignInEngine;
  methods: LoginMethodRegistry;
  applicationsRepo: ApplicationsRepo;
  applications: Pick<ApplicationsService, 'get'>;
  authn: Authentication;
  passcodes: PasscodeFlows;
  accounts: Accounts;
  qrcode: QrCodeService;
  events: EventService;
  publicUrl: string;
}): { branding: BrandingService; loginUi: LoginUi } {
  const branding = createBrandingService({ repo: createBrandingRepo(deps.db), applications: deps.applicationsRepo });
  const loginUi = createLoginUi({
    engine: deps.engine,
    methods: deps.methods,
    flows: createUiFlowStore(deps.kv),
    branding,
    applications: deps.applications,
    authSettings: deps.authn.settings,
    captcha: deps.authn.captcha,
    failures: (poolId, keys) => deps.authn.guard.failures(poolId, keys),
    sendCode: deps.passcodes.send,
    passwordReset: deps.accounts.passwordReset,
    qrcode: deps.qrcode,
    events: deps.events,
    publicUrl: deps.publicUrl,
  });
  return { branding, loginUi };
}
