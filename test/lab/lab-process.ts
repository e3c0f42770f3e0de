export * from '../../src/lab/lab-process.js';
