// Messages of this part of the page: see www/i18n.js.

export default {
  en: {},
  'zh-CN': {},
};
