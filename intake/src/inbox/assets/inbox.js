// The inbox's small enhancements: the clocks count down without a reload,
// and, if the staff member allows it, a browser notification when new
// requests arrive while the inbox is open. Notifications say counts only.
const lang = document.body.dataset.lang === 'en' ? 'en' : 'sv';
const words = {
  sv: {
    h: 'h',
    min: 'min',
    left: 'kvar',
    overdueBy: 'försenad med',
    title: 'Utväg: ny förfrågan',
    body: (s) => `${s.unclaimed} otagna, ${s.open} öppna`,
  },
  en: {
    h: 'h',
    min: 'min',
    left: 'left',
    overdueBy: 'overdue by',
    title: 'Utväg: new request',
    body: (s) => `${s.unclaimed} unclaimed, ${s.open} open`,
  },
}[lang];

function describe(msLeft) {
  const minutes = Math.floor(Math.abs(msLeft) / 60000);
  const span = `${Math.floor(minutes / 60)} ${words.h} ${minutes % 60} ${words.min}`;
  return msLeft >= 0 ? `${span} ${words.left}` : `${words.overdueBy} ${span}`;
}

function tick() {
  for (const clock of document.querySelectorAll('.clock[data-due]')) {
    const left = clock.querySelector('.left');
    if (left) left.textContent = describe(Number(clock.dataset.due) - Date.now());
  }
}
setInterval(tick, 30000);

let lastUnclaimed = null;
async function poll() {
  try {
    const response = await fetch('/api/summary', { credentials: 'same-origin' });
    if (!response.ok) return;
    const summary = await response.json();
    if (lastUnclaimed !== null && summary.unclaimed > lastUnclaimed && Notification.permission === 'granted') {
      new Notification(words.title, { body: words.body(summary) });
    }
    lastUnclaimed = summary.unclaimed;
  } catch {
    // offline for a moment: try again at the next poll
  }
}

const notify = document.querySelector('.notify');
if (notify && 'Notification' in window) {
  notify.hidden = Notification.permission === 'granted';
  notify.addEventListener('click', async () => {
    await Notification.requestPermission();
    notify.hidden = Notification.permission === 'granted';
  });
  poll();
  setInterval(poll, 60000);
}
