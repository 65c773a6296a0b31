// The page's own words in English, French and Spanish.  Channel labels come from the event.
export const STRINGS = {
  en: {
    choose: 'Choose your language', play: 'Listen', stop: 'Stop', volume: 'Volume',
    floor: 'Original underneath', details: 'Details', connecting: 'Connecting…',
    connected: 'Connected', reconnecting: 'Connection lost — reconnecting…', offAir: 'off air',
    onAir: 'on air', offAirNotice: '{label} is off air for now.', offAirFloor: '{label} is off air for now — you hear the original.',
    listening: 'Listening to {label}', tapToListen: 'Tap a language to listen', latency: 'Latency',
    buffer: 'Buffer', target: 'Target', concealed: 'Concealed', connection: 'Connection',
    clock: 'Clock offset / RTT', path: 'Audio path', degraded: 'degraded: not a secure context',
    listeners: '{n} listening', uiLanguage: 'Page language', noChannels: 'No channels yet.',
    starting: 'Starting audio…',
  },
  fr: {
    choose: 'Choisissez votre langue', play: 'Écouter', stop: 'Arrêter', volume: 'Volume',
    floor: 'Original en fond', details: 'Détails', connecting: 'Connexion…',
    connected: 'Connecté', reconnecting: 'Connexion perdue — reconnexion…', offAir: 'hors antenne',
    onAir: 'à l’antenne', offAirNotice: '{label} est hors antenne pour l’instant.', offAirFloor: '{label} est hors antenne — vous entendez l’original.',
    listening: 'Vous écoutez : {label}', tapToListen: 'Touchez une langue pour écouter', latency: 'Latence',
    buffer: 'Tampon', target: 'Cible', concealed: 'Masqué', connection: 'Connexion',
    clock: 'Décalage d’horloge / RTT', path: 'Chemin audio', degraded: 'dégradé : contexte non sécurisé',
    listeners: '{n} à l’écoute', uiLanguage: 'Langue de la page', noChannels: 'Aucun canal pour l’instant.',
    starting: 'Démarrage du son…',
  },
  es: {
    choose: 'Elija su idioma', play: 'Escuchar', stop: 'Detener', volume: 'Volumen',
    floor: 'Original de fondo', details: 'Detalles', connecting: 'Conectando…',
    connected: 'Conectado', reconnecting: 'Conexión perdida — reconectando…', offAir: 'fuera del aire',
    onAir: 'al aire', offAirNotice: '{label} está fuera del aire por ahora.', offAirFloor: '{label} está fuera del aire — escucha el original.',
    listening: 'Escuchando: {label}', tapToListen: 'Toque un idioma para escuchar', latency: 'Latencia',
    buffer: 'Búfer', target: 'Objetivo', concealed: 'Ocultado', connection: 'Conexión',
    clock: 'Desfase de reloj / RTT', path: 'Ruta de audio', degraded: 'degradado: contexto no seguro',
    listeners: '{n} escuchando', uiLanguage: 'Idioma de la página', noChannels: 'Aún no hay canales.',
    starting: 'Iniciando audio…',
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
