// Passkey sign-in and registration for the team inbox, with the
// @simplewebauthn/browser ESM build served by the intake itself.
import { startAuthentication, startRegistration } from '/assets/webauthn/index.js';

const errorBox = document.getElementById('passkey-error');

function showError(button, code) {
  const texts = JSON.parse(button.dataset.errors || '{}');
  errorBox.textContent = texts[code] || texts.failed || code;
  errorBox.hidden = false;
  errorBox.focus?.();
  button.disabled = false;
}

async function post(url, body) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body ?? {}),
    credentials: 'same-origin',
  });
  const data = await response.json().catch(() => ({ error: 'failed' }));
  if (!response.ok) throw Object.assign(new Error(data.error || 'failed'), { code: data.error || 'failed' });
  return data;
}

async function run(button, flow) {
  button.disabled = true;
  errorBox.hidden = true;
  try {
    const result = await flow();
    window.location.assign(result.next || '/');
  } catch (error) {
    showError(button, error.code || 'failed');
  }
}

const signIn = document.getElementById('sign-in');
signIn?.addEventListener('click', () =>
  run(signIn, async () => {
    const optionsJSON = await post('/auth/sign-in/options');
    const response = await startAuthentication({ optionsJSON });
    return post('/auth/sign-in/verify', response);
  }),
);

const register = document.getElementById('register');
register?.addEventListener('click', () =>
  run(register, async () => {
    const token = register.dataset.token;
    const optionsJSON = await post('/auth/register/options', { token });
    const response = await startRegistration({ optionsJSON });
    return post('/auth/register/verify', { token, response });
  }),
);
