// status.keepalivedExporterMetrics: off unless asked for; with it, listen keeps its default;
// a value that is not a boolean is refused, the message naming the option.
import { describe, expect, it } from 'vitest';
import { parseConfigText } from '../../../src/agent/config/load-config.js';

const instance = [
  'instances:',
  '  - { name: web, vrid: 51, interface: eth0, vips: [10.0.0.100/24] }',
].join('\n');

const parse = (status: string) => parseConfigText(`${status}\n${instance}`, 'f.yaml').status;

describe('status.keepalivedExporterMetrics', () => {
  it('is off by default', () => {
    expect(parse('')).toEqual({ listen: '127.0.0.1:9657' });
    expect(parse('status: { listen: "127.0.0.1:9700" }')).toEqual({ listen: '127.0.0.1:9700' });
  });

  it('turns on alone, the listener keeping its default', () => {
    expect(parse('status: { keepalivedExporterMetrics: true }')).toEqual({
      listen: '127.0.0.1:9657',
      keepalivedExporterMetrics: true,
    });
  });

  it('refuses a value that is not true or false, naming the option', () => {
    expect(() => parse('status:\n  keepalivedExporterMetrics: "yes"')).toThrow(
      /^f\.yaml:2:3: status: expected false or a mapping .*keepalivedExporterMetrics: true/,
    );
  });
});
