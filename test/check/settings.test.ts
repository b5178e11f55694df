/**
 * The settings table is the one definition of every probe setting: a flag and its config key
 * accept and refuse the same values, and the help shows the defaults the probe uses.
 */
import { describe, expect, it } from 'vitest';
import { Command } from 'commander';
import { parseTarget } from '../../src/probe/target.js';
import { parseSend } from '../../src/probe/payload.js';
import { ConfigProblems, parseConfig, type ConfigDeps } from '../../src/check/config.js';
import { MAX_REPEAT, SETTINGS, addSettingOptions } from '../../src/check/settings.js';
import { probeSettings } from '../../src/cli/probe.js';
import { DEFAULTS } from '../../src/probe/defaults.js';
import { UsageError } from '../../src/errors.js';

const deps: ConfigDeps = { parseTarget, parseSend };

function configRefuses(key: string, value: string): string | null {
  try {
    parseConfig(`targets:\n  - target: 127.0.0.1:80\n    ${key}: ${value}\n`, 'c.yml', deps, {});
    return null;
  } catch (error) {
    if (error instanceof ConfigProblems) return error.problems[0]!.message;
    throw error;
  }
}

function flagRefuses(flag: string, value: string): string | null {
  const attr = flag.replace(/^--/, '').replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
  try {
    probeSettings(['127.0.0.1:80'], { [attr]: value, ...(flag === '--interval' ? { repeat: '2' } : {}), ...(flag === '--keepalive' ? { idle: '1s' } : {}) });
    return null;
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

describe('a flag and its config key accept the same values', () => {
  const rows = SETTINGS.filter((r) => r.key !== null && r.flags?.includes('<') && r.commands.includes('probe') && r.id !== 'send');
  const values = ['0', '0s', '0ms', '1e2', '-1s', '5s', '10', '100', String(MAX_REPEAT), String(MAX_REPEAT + 1), 'soon', '1.5s'];
  for (const r of rows) {
    const flag = /--[a-z-]+/.exec(r.flags!)![0];
    it.each(values)(`${r.key} / ${flag}: %s`, (value) => {
      expect(configRefuses(r.key!, value) === null).toBe(flagRefuses(flag, value) === null);
    });
  }

  it('the divergences the config reader had are gone: 0s timeouts, repeat 1e2', () => {
    expect(configRefuses('connect_timeout', '0s')).toMatch(/c\.yml:3: targets\[0\]\.connect_timeout: bad .*"0s": give a positive duration/);
    expect(configRefuses('reply_timeout', '0')).toMatch(/positive duration/);
    expect(configRefuses('repeat', '1e2')).toMatch(/targets\[0\]\.repeat: .*whole number from 1 to 10000/);
    expect(configRefuses('repeat', String(MAX_REPEAT))).toBeNull();
    expect(flagRefuses('--repeat', String(MAX_REPEAT))).toBeNull();
  });
});

describe('help comes from the table', () => {
  it('shows the defaults the probe uses', () => {
    const cmd = addSettingOptions(new Command('probe'), 'probe');
    const help = cmd.helpInformation();
    const seconds = (ms: number): string => `${ms / 1000}s`;
    expect(help).toMatch(new RegExp(`--connect-timeout <duration>[\\s\\S]*default: ${seconds(DEFAULTS.connectTimeoutMs)}`));
    expect(help).toMatch(new RegExp(`--reply-timeout <duration>[\\s\\S]*default: ${seconds(DEFAULTS.replyTimeoutMs)}`));
    for (const r of SETTINGS.filter((x) => x.flags !== null && x.commands.includes('probe'))) expect(help).toContain(/--[a-z0-9-]+/.exec(r.flags!)![0]);
  });
});
