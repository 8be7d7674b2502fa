// What every resolver receives: who is asking, and the request's loaders over the read model.
import type { ChainVerification } from '@stableip/audit-store';
import type { Principal } from '../auth/principal';
import type { ChangeFeed } from '../changes/change-feed';
import type { ExportSettings } from '../exports/settings';
import type { ReadModel } from '../read-model/read-model';
import type { Loaders } from './loaders';

export interface PageLimits {
  /** Page size when neither `first` nor `last` is given. */
  defaultPageSize: number;
  /** Largest `first`/`last` accepted (larger is a BAD_USER_INPUT error, not a silent clamp). */
  maxPageSize: number;
}

export interface ApiContext {
  principal: Principal;
  readModel: ReadModel;
  loaders: Loaders;
  limits: PageLimits;
  exportSettings: ExportSettings;
  changes: ChangeFeed;
  verifyChain: (cluster?: string) => Promise<ChainVerification>;
}
