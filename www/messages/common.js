// Messages shared by every part: status names, EvsError kinds and what to do
// about them, the language switch. Status names in Chinese are the Huawei
// Cloud console's own terms for EVS snapshots (可用, 创建中, …).

export default {
  en: {
    'lang.label': 'Language',
    'status.available': 'Available',
    'status.creating': 'Creating',
    'status.backing-up': 'Backing up',
    'status.rollbacking': 'Rolling back',
    'status.deleting': 'Deleting',
    'status.error': 'Error',
    'status.error_deleting': 'Error deleting',
    'status.unknown': 'unknown',
    'kind.invalid_input': 'Invalid input',
    'kind.network': 'Network error',
    'kind.timeout': 'Timed out',
    'kind.aborted': 'Cancelled',
    'kind.http': 'Service error',
    'kind.invalid_response': 'Unreadable response',
    'kind.load': 'Module not loaded',
    'kind.failed': 'Snapshot failed',
  },
  'zh-CN': {
    'lang.label': '语言',
    'status.available': '可用',
    'status.creating': '创建中',
    'status.backing-up': '备份中',
    'status.rollbacking': '回滚中',
    'status.deleting': '删除中',
    'status.error': '错误',
    'status.error_deleting': '删除失败',
    'status.unknown': '未知',
    'kind.invalid_input': '输入无效',
    'kind.network': '网络错误',
    'kind.timeout': '超时',
    'kind.aborted': '已取消',
    'kind.http': '服务返回错误',
    'kind.invalid_response': '无法解析的响应',
    'kind.load': '模块未加载',
    'kind.failed': '快照失败',
  },
};
