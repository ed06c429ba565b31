/** Register exports and imports (jobs): their own catalogue, merged into zh-CN.ts. */
export const registersZhCN = {
  'registers.exportXlsx': '导出 Excel',
  'registers.exportCsv': '导出 CSV',
  'registers.exporting': '正在导出…',
  'registers.importing': '正在导入…',
  'registers.progress': '{done} / {total} 行',
  'registers.download': '下载（{rows} 行）',
  'registers.failed': '处理失败，请重试。',
  'registers.uploadFailed': '文件上传失败（{status}）',
  'registers.importTitle': '批量导入单位（Excel / CSV）',
  'registers.importHelp':
    '选择 Excel（.xlsx）或 CSV 文件，文件直接上传后在后台逐行导入，可看到进度；完成后列出未导入的行及原因。按统一社会信用代码匹配，重复导入不会产生重复单位。',
  'registers.importSummary': '共 {total} 行：新建 {created}，更新 {updated}，未变 {skipped}，未导入 {errors}',
  'registers.importLink': '批量导入（Excel）',
} as const;
