// The console's words in English, French and Spanish.
export const STRINGS = {
  en: { console: 'technician', alarms: 'Alarms', server: 'Server', events: 'Event log', onAir: 'on air', offAir: 'off air',
    booth: 'booth', listeners: 'listeners', loudness: 'loudness (3 s)', integrated: 'integrated', bandwidth: 'bandwidth',
    bitrate: 'bitrate', silence: 'silence', reporting: 'reporting', latency: 'latency p50', concealing: 'concealing',
    jitter: 'link jitter', fromNode: 'from node',
    noAlarms: 'no alarms', cpu: 'CPU', memory: 'memory', connections: 'connections', framesIn: 'frames/s in',
    framesOut: 'frames/s out', dropped: 'frames dropped', resyncs: 'resyncs', recording: 'recording', live: 'live',
    offline: 'reconnecting…', listenIn: 'click to listen', listening: 'listening',
    kind_silence: 'silence', kind_clipping: 'clipping', kind_loudness: 'loudness', kind_link_jitter: 'link jitter',
    kind_link_gaps: 'link gaps', kind_booth_disconnected: 'booth lost', kind_listener_concealment: 'dropouts',
    kind_recording_failing: 'recording',
    login: 'Technician login', name: 'Name', password: 'Password', logIn: 'Log in', logOut: 'log out',
    wrong_password: 'Wrong name or password.', busy: 'The server is busy: try again in a moment.',
    no_accounts: 'This event has no technician accounts (see [[auth.technicians]] in the event file).' },
  fr: { console: 'technicien', alarms: 'Alarmes', server: 'Serveur', events: 'Journal', onAir: 'à l’antenne', offAir: 'hors antenne',
    booth: 'cabine', listeners: 'auditeurs', loudness: 'sonie (3 s)', integrated: 'intégrée', bandwidth: 'bande passante',
    bitrate: 'débit', silence: 'silence', reporting: 'rapports', latency: 'latence p50', concealing: 'masquage',
    jitter: 'gigue du lien', fromNode: 'du nœud',
    noAlarms: 'aucune alarme', cpu: 'CPU', memory: 'mémoire', connections: 'connexions', framesIn: 'trames/s reçues',
    framesOut: 'trames/s envoyées', dropped: 'trames perdues', resyncs: 'resynchronisations', recording: 'enregistrement',
    live: 'en direct', offline: 'reconnexion…', listenIn: 'cliquer pour écouter', listening: 'écoute',
    kind_silence: 'silence', kind_clipping: 'saturation', kind_loudness: 'sonie', kind_link_jitter: 'gigue',
    kind_link_gaps: 'trames manquantes', kind_booth_disconnected: 'cabine perdue', kind_listener_concealment: 'coupures',
    kind_recording_failing: 'enregistrement',
    login: 'Connexion technicien', name: 'Nom', password: 'Mot de passe', logIn: 'Se connecter', logOut: 'déconnexion',
    wrong_password: 'Nom ou mot de passe incorrect.', busy: 'Le serveur est occupé : réessayez dans un instant.',
    no_accounts: 'Cet événement n’a aucun compte technicien (voir [[auth.technicians]] dans le fichier d’événement).' },
  es: { console: 'técnico', alarms: 'Alarmas', server: 'Servidor', events: 'Registro', onAir: 'en el aire', offAir: 'fuera del aire',
    booth: 'cabina', listeners: 'oyentes', loudness: 'sonoridad (3 s)', integrated: 'integrada', bandwidth: 'ancho de banda',
    bitrate: 'tasa de bits', silence: 'silencio', reporting: 'informes', latency: 'latencia p50', concealing: 'ocultación',
    jitter: 'fluctuación del enlace', fromNode: 'del nodo',
    noAlarms: 'sin alarmas', cpu: 'CPU', memory: 'memoria', connections: 'conexiones', framesIn: 'tramas/s entrada',
    framesOut: 'tramas/s salida', dropped: 'tramas descartadas', resyncs: 'resincronizaciones', recording: 'grabación',
    live: 'en directo', offline: 'reconectando…', listenIn: 'clic para escuchar', listening: 'escuchando',
    kind_silence: 'silencio', kind_clipping: 'saturación', kind_loudness: 'sonoridad', kind_link_jitter: 'fluctuación',
    kind_link_gaps: 'tramas perdidas', kind_booth_disconnected: 'cabina perdida', kind_listener_concealment: 'cortes',
    kind_recording_failing: 'grabación',
    login: 'Acceso de técnico', name: 'Nombre', password: 'Contraseña', logIn: 'Entrar', logOut: 'salir',
    wrong_password: 'Nombre o contraseña incorrectos.', busy: 'El servidor está ocupado: inténtelo en un momento.',
    no_accounts: 'Este evento no tiene cuentas de técnico (vea [[auth.technicians]] en el archivo del evento).' },
};

export function pickLanguage(stored, browser) {
  for (const l of [stored, ...browser]) {
    const short = (l || '').slice(0, 2).toLowerCase();
    if (STRINGS[short]) return short;
  }
  return 'en';
}

export const t = (lang, key) => STRINGS[lang]?.[key] ?? STRINGS.en[key] ?? key;
