// Names found only in the test scaffolding (lab/): code that holds one holds scaffolding.
export const SCAFFOLDING_MARKERS: readonly string[] = [
  'createEc2Emulator',
  'createImdsFake',
  'createCloudLab',
  'runDemo',
];
