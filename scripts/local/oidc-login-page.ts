/**
 * The local OpenID provider's own screens, in Chinese as a province's 统一身份认证 platform shows them. Plain
 * server-rendered HTML with no script: the provider is a different origin from the app and must work with
 * nothing of the app loaded.
 */
export interface LoginScreen {
  uid: string;
  clientName: string;
  username?: string;
  error?: string;
}

const STYLE = `
  body { margin: 0; font-family: "PingFang SC", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif;
    background: #1f3a5f; color: #1d2733; min-height: 100vh; display: grid; place-items: center; }
  main { width: min(380px, 92vw); background: #fff; border-radius: 12px; padding: 2rem; }
  h1 { font-size: 1.3rem; margin: 0 0 .25rem; }
  p { margin: .25rem 0 1rem; color: #4a5563; }
  label { display: block; font-weight: 600; margin: .75rem 0 .25rem; }
  input { width: 100%; box-sizing: border-box; padding: .55rem .6rem; font-size: 1rem; border: 1px solid #6b7685; border-radius: 6px; }
  button { width: 100%; margin-top: 1.25rem; padding: .65rem; font-size: 1rem; border: 0; border-radius: 6px;
    background: #2f5d8f; color: #fff; cursor: pointer; }
  .error { margin-top: 1rem; padding: .6rem .75rem; border-radius: 6px; background: #fdecec; color: #9b1c1c; }
  .cancel { display: inline-block; margin-top: 1rem; color: #2f5d8f; }
`;

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="zh-CN">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main>${body}</main></body>
</html>`;
}

export function loginScreen(screen: LoginScreen): string {
  const uid = encodeURIComponent(screen.uid);
  return page(
    '统一身份认证 · 登录',
    `<h1>统一身份认证</h1>
<p>登录后将返回「${escapeHtml(screen.clientName)}」</p>
<form method="post" action="/interaction/${uid}/login" autocomplete="on">
  <label for="username">用户名</label>
  <input id="username" name="username" autocomplete="username" autocapitalize="none" required
    placeholder="县代码:用户名,例如 taihe:county.admin" value="${escapeHtml(screen.username ?? '')}">
  <label for="password">密码</label>
  <input id="password" name="password" type="password" autocomplete="current-password" required>
  ${screen.error ? `<div class="error" role="alert">${escapeHtml(screen.error)}</div>` : ''}
  <button type="submit">登录</button>
</form>
<a class="cancel" href="/interaction/${uid}/abort">取消,返回应用</a>`,
  );
}

export function errorScreen(title: string, detail: string): string {
  return page(title, `<h1>${escapeHtml(title)}</h1><p>${escapeHtml(detail)}</p>`);
}
