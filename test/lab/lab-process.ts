export * from '../../lab/lab-process.js';
