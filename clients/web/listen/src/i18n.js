// The page's own words in English, French and Spanish.  Channel labels come from the event,
// by UI language where it gives them (channelLabel).
export const STRINGS = {
  en: {
    choose: 'Choose your language', play: 'Listen', stop: 'Stop', volume: 'Volume',
    floor: 'Original underneath', details: 'Details', connecting: 'Connecting…',
    connected: 'Connected', reconnecting: 'Connection lost — reconnecting…', offAir: 'off air',
    onAir: 'on air', offAirNotice: '{label} is off air for now.', offAirFloor: '{label} is off air for now — you hear the original.',
    listening: 'Listening to {label}', tapToListen: 'Tap a language to listen', latency: 'Latency',
    buffer: 'Buffer', concealed: 'Concealed', connection: 'Connection',
    path: 'Audio path', degraded: 'degraded: not a secure context', bufferNow: '{now} ms (target {target} ms)',
    profile: 'Playout', profile_listener: 'listener: fewest dropouts', profile_monitor: 'monitor', profile_return: 'floor return: lowest delay',
    dropouts: 'Dropouts, last {m} min', dropoutCount: '{long} dropouts, {short} short gaps',
    listeners: '{n} listening', uiLanguage: 'Page language', noChannels: 'No channels yet.',
    starting: 'Starting audio…',
    privateEvent: 'This event is private. Enter the passcode you were given.', passcode: 'Passcode', join: 'Join',
    wrongPasscode: 'Wrong passcode. Please try again.', linkExpired: 'Your access has expired. Enter the passcode.',
    linkRefused: 'This link does not open the event. Enter the passcode.',
  },
  fr: {
    choose: 'Choisissez votre langue', play: 'Écouter', stop: 'Arrêter', volume: 'Volume',
    floor: 'Original en fond', details: 'Détails', connecting: 'Connexion…',
    connected: 'Connecté', reconnecting: 'Connexion perdue — reconnexion…', offAir: 'hors antenne',
    onAir: 'à l’antenne', offAirNotice: '{label} est hors antenne pour l’instant.', offAirFloor: '{label} est hors antenne — vous entendez l’original.',
    listening: 'Vous écoutez : {label}', tapToListen: 'Touchez une langue pour écouter', latency: 'Latence',
    buffer: 'Tampon', concealed: 'Masqué', connection: 'Connexion',
    path: 'Chemin audio', degraded: 'dégradé : contexte non sécurisé', bufferNow: '{now} ms (cible {target} ms)',
    profile: 'Lecture', profile_listener: 'auditeur : le moins de coupures', profile_monitor: 'contrôle', profile_return: 'retour salle : délai minimal',
    dropouts: 'Coupures, {m} dernières min', dropoutCount: '{long} coupures, {short} brèves',
    listeners: '{n} à l’écoute', uiLanguage: 'Langue de la page', noChannels: 'Aucun canal pour l’instant.',
    starting: 'Démarrage du son…',
    privateEvent: 'Cet événement est privé. Saisissez le code qui vous a été donné.', passcode: 'Code d’accès', join: 'Entrer',
    wrongPasscode: 'Code incorrect. Veuillez réessayer.', linkExpired: 'Votre accès a expiré. Saisissez le code.',
    linkRefused: 'Ce lien n’ouvre pas l’événement. Saisissez le code.',
  },
  es: {
    choose: 'Elija su idioma', play: 'Escuchar', stop: 'Detener', volume: 'Volumen',
    floor: 'Original de fondo', details: 'Detalles', connecting: 'Conectando…',
    connected: 'Conectado', reconnecting: 'Conexión perdida — reconectando…', offAir: 'fuera del aire',
    onAir: 'al aire', offAirNotice: '{label} está fuera del aire por ahora.', offAirFloor: '{label} está fuera del aire — escucha el original.',
    listening: 'Escuchando: {label}', tapToListen: 'Toque un idioma para escuchar', latency: 'Latencia',
    buffer: 'Búfer', concealed: 'Ocultado', connection: 'Conexión',
    path: 'Ruta de audio', degraded: 'degradado: contexto no seguro', bufferNow: '{now} ms (objetivo {target} ms)',
    profile: 'Reproducción', profile_listener: 'oyente: el menor número de cortes', profile_monitor: 'control', profile_return: 'retorno de sala: retardo mínimo',
    dropouts: 'Cortes, últimos {m} min', dropoutCount: '{long} cortes, {short} breves',
    listeners: '{n} escuchando', uiLanguage: 'Idioma de la página', noChannels: 'Aún no hay canales.',
    starting: 'Iniciando audio…',
    privateEvent: 'Este evento es privado. Introduzca el código que le dieron.', passcode: 'Código de acceso', join: 'Entrar',
    wrongPasscode: 'Código incorrecto. Inténtelo de nuevo.', linkExpired: 'Su acceso ha caducado. Introduzca el código.',
    linkRefused: 'Este enlace no abre el evento. Introduzca el código.',
  },
};

export function pickLanguage(stored, browserLanguages) {
  for (const l of [stored, ...(browserLanguages || [])]) {
    const base = (l || '').toLowerCase().split('-')[0];
    if (STRINGS[base]) return base;
  }
  return 'en';
}

export function translate(lang, key, vars = {}) {
  const s = STRINGS[lang]?.[key] ?? STRINGS.en[key] ?? key;
  return s.replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ''));
}

// A channel's label in the page's language: the event's label for that language, else its own.
export function channelLabel(channel, lang) {
  return channel?.labels?.[lang] || channel?.label || channel?.id || '';
}
