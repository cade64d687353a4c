import { describe, expect, it } from 'vitest';
import { compareSurveys, endpointRows, ruleRows, summaryWords, surveyChangeLines, surveyFileName, tone } from './survey';
import type { Survey } from './bindings/Survey';

const survey: Survey = {
  tool: 'loopcheck',
  version: '0.1.0',
  startedAt: '2026-12-05T09:00:00.123Z',
  project: 'Acme / Site 7',
  proxy: null,
  devices: ['meter-1'],
  endpoints: [
    {
      host: '::1',
      addresses: ['::1'],
      port: 8883,
      transport: 'tcp',
      service: 'mqtts',
      templates: ['mqtt-tls'],
      devices: ['meter-1', 'meter-2'],
      state: 'blocked',
      code: 'TCP_TIMEOUT',
      hint: 'No answer',
      via: 'direct',
    },
  ],
  rules: [
    {
      host: 'lwm2m.acme',
      addresses: ['192.0.2.7', '2001:db8::7'],
      port: 5684,
      transport: 'udp',
      protocol: 'LwM2M over DTLS',
      purpose: 'device management',
      direction: 'outbound',
      state: 'reachable',
      note: 'replies must come back',
    },
  ],
  reports: [],
  summary: { endpoints: 1, reachable: 0, blocked: 1, failed: 0 },
};

describe('a survey in tables', () => {
  it('gives endpoint rows with the host bracketed when it is IPv6', () => {
    expect(endpointRows(survey.endpoints)).toEqual([
      {
        key: '::1|8883|tcp',
        endpoint: '[::1]:8883/tcp',
        service: 'mqtts',
        devices: 'meter-1, meter-2',
        state: 'blocked',
        code: 'TCP_TIMEOUT',
        via: 'direct',
        hint: 'No answer',
      },
    ]);
  });
  it('gives rule rows as a change request reads them', () => {
    expect(ruleRows(survey.rules)[0]).toMatchObject({
      destination: 'lwm2m.acme',
      addresses: '192.0.2.7, 2001:db8::7',
      port: '5684/UDP',
      note: 'replies must come back',
      state: 'reachable',
    });
  });
  it('words the summary, tones the states and names files safely', () => {
    expect(summaryWords(survey.summary)).toBe('1 endpoint · 0 reachable · 1 blocked · 0 failed');
    expect(summaryWords({ endpoints: 3, reachable: 3, blocked: 0, failed: 0 })).toBe('3 endpoints · 3 reachable · 0 blocked · 0 failed');
    expect([tone('reachable'), tone('failed'), tone('blocked')]).toEqual(['pass', 'warn', 'fail']);
    expect(surveyFileName(survey, 'firewall-request', 'csv')).toBe('Acme_Site_7-firewall-request-2026-12-05T09-00-00Z.csv');
  });
});

describe('two surveys of a site, compared', () => {
  const blocked = survey.endpoints[0]!;
  const at = (endpoints: Survey['endpoints']): Survey => ({ ...survey, endpoints });
  const reachable = { ...blocked, state: 'reachable' as const, code: 'OK' as const };
  const lwm2m = { ...blocked, port: 5684, transport: 'udp' as const, service: 'lwm2m-dtls', state: 'failed' as const, code: 'DTLS_BAD_PSK' as const };

  it('says what changed in the words of the issue: service, port, before → after', () => {
    const changes = compareSurveys(at([blocked, lwm2m]), at([reachable, lwm2m]));
    expect(changes.map((c) => [c.label, c.changed])).toEqual([
      ['lwm2m-dtls 5684', false],
      ['mqtts 8883', true],
    ]);
    expect(surveyChangeLines(changes)).toEqual(['mqtts 8883: blocked (TCP_TIMEOUT) → reachable']);
  });
  it('shows an endpoint only one survey has as absent in the other', () => {
    expect(surveyChangeLines(compareSurveys(at([blocked]), at([blocked, lwm2m])))).toEqual([
      'lwm2m-dtls 5684: — → failed (DTLS_BAD_PSK)',
    ]);
  });
  it('names the host once the surveys reach more than one, and sorts by host then port', () => {
    const other = { ...reachable, host: 'a.example', port: 1883, service: 'mqtt' };
    const changes = compareSurveys(at([blocked]), at([reachable, other]));
    expect(changes.map((c) => c.label)).toEqual(['mqtts 8883 on ::1', 'mqtt 1883 on a.example']);
  });
  it('finds no change between a survey and itself', () => {
    expect(surveyChangeLines(compareSurveys(survey, survey))).toEqual([]);
  });
});
