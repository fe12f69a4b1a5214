// The dashboard's languages (www/i18n.js, www/messages/*.js), in Node: which
// language a visitor gets, that both tables hold the same keys, and that the
// status names are the Huawei Cloud console's own Chinese terms.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { STATUSES } from 'evs-snapshots';
import { LOCALES, MESSAGES, mergeMessages, matchLocale, pickLocale, keepLang, t, useLocale } from '../../www/i18n.js';

test('the language: ?lang= first, then the stored choice, then navigator.languages in order, then English', () => {
  assert.equal(pickLocale({}), 'en');
  assert.equal(pickLocale({ languages: ['zh-CN', 'en-US'] }), 'zh-CN');
  assert.equal(pickLocale({ languages: ['en-GB', 'zh-CN'] }), 'en');
  // A language the dashboard does not speak is passed over, not taken as English.
  assert.equal(pickLocale({ languages: ['fr-FR', 'zh'] }), 'zh-CN');
  assert.equal(pickLocale({ languages: ['de-DE', 'fr'] }), 'en');
  assert.equal(pickLocale({ stored: 'en', languages: ['zh-CN'] }), 'en');
  assert.equal(pickLocale({ search: '?lang=zh-CN', stored: 'en', languages: ['en-US'] }), 'zh-CN');
  assert.equal(pickLocale({ search: '?status=available&lang=en', stored: 'zh-CN' }), 'en');
  // Unknown or empty values fall through to the next source.
  assert.equal(pickLocale({ search: '?lang=xx', stored: 'garbage', languages: ['zh-TW'] }), 'zh-CN');
  assert.equal(pickLocale({ search: '?lang=', stored: null, languages: null }), 'en');
});

test('matchLocale: any Chinese tag is zh-CN (the only Chinese the dashboard has), any English one en, others null', () => {
  for (const tag of ['zh', 'zh-CN', 'zh-cn', 'zh-Hans-CN', 'zh-TW', 'ZH-HK']) assert.equal(matchLocale(tag), 'zh-CN', tag);
  for (const tag of ['en', 'en-US', 'EN-gb']) assert.equal(matchLocale(tag), 'en', tag);
  for (const tag of ['', 'fr', 'zhx', 'english', null, undefined, 42]) assert.equal(matchLocale(tag), null, String(tag));
});

test('both languages have exactly the same keys, every message non-empty', () => {
  assert.deepEqual(LOCALES.slice().sort(), ['en', 'zh-CN']);
  const en = Object.keys(MESSAGES.en).sort();
  const zh = Object.keys(MESSAGES['zh-CN']).sort();
  assert.deepEqual(zh.filter((k) => !en.includes(k)), [], 'keys only in zh-CN');
  assert.deepEqual(en.filter((k) => !zh.includes(k)), [], 'keys only in en');
  assert.ok(en.length > 30, `only ${en.length} messages`);
  for (const lang of LOCALES) {
    for (const [k, v] of Object.entries(MESSAGES[lang])) {
      assert.ok(typeof v === 'function' || (typeof v === 'string' && v.trim() !== ''), `${lang} ${k} is empty`);
    }
  }
});

test('a placeholder in one language is in the other', () => {
  const names = (v) => (typeof v === 'string' ? [...v.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort() : null);
  for (const [k, v] of Object.entries(MESSAGES.en)) {
    const zh = MESSAGES['zh-CN'][k];
    if (typeof v === 'string' && typeof zh === 'string') assert.deepEqual(names(zh), names(v), k);
  }
});

test('a key defined in two tables is refused', () => {
  assert.throws(() => mergeMessages([{ en: { a: 'x' } }, { en: { a: 'y' } }]), /message a defined twice/);
});

test("status names: the console's Chinese terms for the seven statuses the package's STATUSES lists", () => {
  const expected = {
    available: '可用',
    creating: '创建中',
    error: '错误',
    deleting: '删除中',
    error_deleting: '删除失败',
    rollbacking: '回滚中',
    'backing-up': '备份中',
  };
  assert.deepEqual([...STATUSES].sort(), Object.keys(expected).sort());
  try {
    useLocale('zh-CN');
    for (const s of STATUSES) assert.equal(t(`status.${s}`), expected[s], s);
    useLocale('en');
    assert.equal(t('status.error_deleting'), 'Error deleting');
  } finally {
    useLocale('en');
  }
});

test('t(): an unknown key is shown as itself, so a missing message is visible, not blank', () => {
  assert.equal(t('no.such.key'), 'no.such.key');
  useLocale('zh-CN');
  try {
    assert.equal(t('no.such.key'), 'no.such.key');
  } finally {
    useLocale('en');
  }
});

test('keepLang: the URL keeps lang= when the view rewrites the query, and adds nothing without it', () => {
  assert.equal(keepLang('?status=available', '?lang=zh-CN&status=error'), '?status=available&lang=zh-CN');
  assert.equal(keepLang('', '?lang=en'), '?lang=en');
  assert.equal(keepLang('?status=available', '?status=error'), '?status=available');
  assert.equal(keepLang('', ''), '');
});
