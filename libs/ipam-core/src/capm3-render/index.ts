export {
  renderMetaData,
  renderNetworkData,
  translateMask,
  hostNicMac,
  type PoolAddress,
  type MetaDataInput,
  type NetworkDataDocument,
  type RenderedRoute,
  type RenderError,
  type RenderErrorCode,
  type RenderResult,
} from './render';
