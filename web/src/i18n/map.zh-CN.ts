/** The map page and the county's base-map settings. */
export const mapZhCN = {
  'map.cluster': '{n} 处:点击放大',
  'map.status': '状态',
  'map.layer': '图层',
  'map.layerBoth': '风险点和单位',
  'map.layerRiskPoints': '风险点',
  'map.tilesOffline': '底图离线:标注绘制在空白底图上',
  'mapSettings.title': '本县地图底图',
  'mapSettings.help':
    '本县所有人的一张图使用此底图。只填天地图密钥即使用天地图矢量图和注记;也可填写瓦片地址模板({z}/{x}/{y},多个图层以 | 分隔,{tk} 替换为密钥)。底图无法加载时,地图仍在空白底图上绘制标注。',
  'mapSettings.tiandituKey': '天地图密钥(tk)',
  'mapSettings.tileUrl': '瓦片地址模板',
  'mapSettings.attribution': '版权与审图号',
  'mapSettings.saved': '已保存',
} as const;
