// The EC2 API emulator and IMDSv2 fake: for floatd's cloud tests, benchmarks and `floatd demo`.

export { createEc2Emulator } from './server.js';
export type { Ec2Emulator, Ec2EmulatorOptions, RecordedRequest } from './server.js';
export { Ec2State, EmulatorSetupError } from './state.js';
export { stateSummary } from './state-summary.js';
export type {
  AddInstanceOptions,
  AddNetworkInterfaceOptions,
  AddedInstance,
  EipAssociationView,
  RouteSpec,
  RouteView,
} from './state.js';
export { defaultFaultSettings } from './faults.js';
export type { FaultCounts, FaultKind, FaultSettings } from './faults.js';
export { Ec2ApiError } from './api-error.js';
export { createImdsFake } from './imds-fake.js';
export type { ImdsFake, ImdsFakeOptions, ImdsInterface, ImdsRecordedRequest } from './imds-fake.js';
export { imdsInterfacesFor } from './imds-interfaces.js';
export { applySeed, loadSeedFile, seedSchema } from './seed-file.js';
export type { SeedState } from './seed-file.js';
