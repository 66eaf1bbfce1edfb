// The path model: pure functions from a ClusterInventory to NetPaths with predictions, verdicts and fixes.
export { PER_NODE_PATH_LIMIT, buildPaths, type BuildOptions } from './paths';
export { ANY_POD, inClusterPredictor, isClusterAddress, nodeOfAddress, outsidePrediction, predictInCluster, type Prober } from './vantage';
export { applyWhatIf, formatWhatIf, parseWhatIf, parseWhatIfList, splitWhatIfList } from './whatif';
export { predictedObservation } from './observation';
export { FINDING_CODES, type FindingCode } from './findings';
export { PROVIDERS, resolveProvider } from './loadbalancers';
export { CONTROLLERS, controllerModel } from './controllers';
export type { Arrival, ModelHop, ModelPath, PredictedAddress, WhatIf } from './types';
