// The booth console's words in English, French and Spanish (as the phone app: clients/web/
// listen/src/i18n.js).  Channel labels come from the event.
export const STRINGS = {
  en: {
    title: 'Booth console', onAir: 'ON AIR', off: 'OFF', cough: 'COUGH', connecting: 'Connecting…',
    reconnecting: 'Connection lost — reconnecting…', passive: 'Partner is live', takingOver: 'Taking over…',
    microphone: 'Microphone', inputLevel: 'Input', processing: 'Voice processing (off for headsets)',
    echo: 'Echo cancellation', noise: 'Noise suppression', gain: 'Auto gain',
    coughKey: 'Cough (hold Space)', handover: 'Handover', requestHandover: 'Request handover (H)',
    acceptHandover: 'Accept handover (H)', decline: 'Decline (D)', handoverRequested: 'Your partner asks to take over',
    handoverWaiting: 'Handover requested — waiting for your partner', bothLive: 'ERROR: both microphones are live',
    output: 'Output (A/B: key A, B)', audience: '{n} listening', slowDown: 'Ask the speaker to slow down',
    slowDownSent: 'Slow-down signal sent', source: 'I hear', floor: 'Floor', firstHand: 'first hand (floor)',
    secondHand: 'second hand (relay of {label})', volume: 'Volume', quality: 'Speaker input',
    level: 'Level', clipping: 'Clipping', bandwidth: 'Bandwidth', concealment: 'Link concealment',
    narrowBand: 'telephone band', unknown: '—', latency: 'Return delay',
    earWarning: 'Too loud for too long: your return has averaged {db} dBFS over the last minute. Turn it down.',
    limiting: 'Limiter engaged', chat: 'Chat', toPartner: 'Partner', toBooths: 'All booths', toTechnician: 'Technician',
    send: 'Send', autoRelay: 'Floor is now {floor} — relaying from {source}', autoBack: 'Floor is {floor} again — back to the floor',
    encoder: 'Encoder', insecure: 'This console needs a secure connection to use the microphone.',
    insecureHow: 'Open it over HTTPS: https://{host}/booth (the server needs a certificate: see "Phones need HTTPS" in deploy/README.md, or ask your technician for the https:// link).',
    noToken: 'This console needs the link with your booth token (tolk-server token issue --role booth prints it).',
    refused: 'The server refused this console: {reason}', replaced: 'This console was opened again elsewhere; this one stops.',
    overridden: 'Another booth took the channel: {reason}', taken: 'Another booth is on air on this channel; waiting for it to leave…',
    start: 'Start the console', micDenied: 'The microphone could not be opened: {reason}', uiLanguage: 'Page language',
    booth: 'Booth {name}', alone: 'alone', partners: '{n} partner(s)',
  },
  fr: {
    title: 'Pupitre de cabine', onAir: 'À L’ANTENNE', off: 'COUPÉ', cough: 'TOUX', connecting: 'Connexion…',
    reconnecting: 'Connexion perdue — reconnexion…', passive: 'Votre collègue est à l’antenne', takingOver: 'Reprise en cours…',
    microphone: 'Microphone', inputLevel: 'Entrée', processing: 'Traitement de la voix (coupé pour un casque)',
    echo: 'Annulation d’écho', noise: 'Réduction de bruit', gain: 'Gain automatique',
    coughKey: 'Toux (maintenir Espace)', handover: 'Relève', requestHandover: 'Demander la relève (H)',
    acceptHandover: 'Accepter la relève (H)', decline: 'Refuser (D)', handoverRequested: 'Votre collègue demande la relève',
    handoverWaiting: 'Relève demandée — en attente de votre collègue', bothLive: 'ERREUR : les deux micros sont ouverts',
    output: 'Sortie (A/B : touches A, B)', audience: '{n} à l’écoute', slowDown: 'Demander à l’orateur de ralentir',
    slowDownSent: 'Signal « ralentir » envoyé', source: 'J’écoute', floor: 'Salle', firstHand: 'de première main (salle)',
    secondHand: 'de seconde main (relais de {label})', volume: 'Volume', quality: 'Son de l’orateur',
    level: 'Niveau', clipping: 'Saturation', bandwidth: 'Bande passante', concealment: 'Masquage réseau',
    narrowBand: 'bande téléphonique', unknown: '—', latency: 'Délai du retour',
    earWarning: 'Trop fort trop longtemps : votre retour a atteint {db} dBFS en moyenne sur la dernière minute. Baissez le volume.',
    limiting: 'Limiteur actif', chat: 'Messages', toPartner: 'Collègue', toBooths: 'Toutes les cabines', toTechnician: 'Technicien',
    send: 'Envoyer', autoRelay: 'La salle parle maintenant {floor} — relais depuis {source}', autoBack: 'La salle parle de nouveau {floor} — retour à la salle',
    encoder: 'Encodeur', insecure: 'Ce pupitre a besoin d’une connexion sécurisée pour utiliser le micro.',
    insecureHow: 'Ouvrez-le en HTTPS : https://{host}/booth (le serveur a besoin d’un certificat : voir « Phones need HTTPS » dans deploy/README.md, ou demandez le lien https:// au technicien).',
    noToken: 'Ce pupitre a besoin du lien avec votre jeton de cabine (tolk-server token issue --role booth l’affiche).',
    refused: 'Le serveur a refusé ce pupitre : {reason}', replaced: 'Ce pupitre a été rouvert ailleurs ; celui-ci s’arrête.',
    overridden: 'Une autre cabine a pris le canal : {reason}', taken: 'Une autre cabine est à l’antenne sur ce canal ; en attente…',
    start: 'Démarrer le pupitre', micDenied: 'Le micro n’a pas pu être ouvert : {reason}', uiLanguage: 'Langue de la page',
    booth: 'Cabine {name}', alone: 'seul', partners: '{n} collègue(s)',
  },
  es: {
    title: 'Consola de cabina', onAir: 'AL AIRE', off: 'APAGADO', cough: 'TOS', connecting: 'Conectando…',
    reconnecting: 'Conexión perdida — reconectando…', passive: 'Su colega está al aire', takingOver: 'Tomando el relevo…',
    microphone: 'Micrófono', inputLevel: 'Entrada', processing: 'Procesado de voz (apagado con auriculares)',
    echo: 'Cancelación de eco', noise: 'Supresión de ruido', gain: 'Ganancia automática',
    coughKey: 'Tos (mantener Espacio)', handover: 'Relevo', requestHandover: 'Pedir el relevo (H)',
    acceptHandover: 'Aceptar el relevo (H)', decline: 'Rechazar (D)', handoverRequested: 'Su colega pide el relevo',
    handoverWaiting: 'Relevo pedido — esperando a su colega', bothLive: 'ERROR: los dos micrófonos están abiertos',
    output: 'Salida (A/B: teclas A, B)', audience: '{n} escuchando', slowDown: 'Pedir al orador que hable más despacio',
    slowDownSent: 'Señal «más despacio» enviada', source: 'Escucho', floor: 'Sala', firstHand: 'de primera mano (sala)',
    secondHand: 'de segunda mano (relé de {label})', volume: 'Volumen', quality: 'Sonido del orador',
    level: 'Nivel', clipping: 'Saturación', bandwidth: 'Ancho de banda', concealment: 'Ocultación de red',
    narrowBand: 'banda telefónica', unknown: '—', latency: 'Retardo del retorno',
    earWarning: 'Demasiado fuerte durante demasiado tiempo: su retorno promedió {db} dBFS en el último minuto. Bájelo.',
    limiting: 'Limitador activo', chat: 'Mensajes', toPartner: 'Colega', toBooths: 'Todas las cabinas', toTechnician: 'Técnico',
    send: 'Enviar', autoRelay: 'La sala habla ahora {floor} — relé desde {source}', autoBack: 'La sala vuelve a {floor} — de vuelta a la sala',
    encoder: 'Codificador', insecure: 'Esta consola necesita una conexión segura para usar el micrófono.',
    insecureHow: 'Ábrala por HTTPS: https://{host}/booth (el servidor necesita un certificado: vea «Phones need HTTPS» en deploy/README.md, o pida el enlace https:// al técnico).',
    noToken: 'Esta consola necesita el enlace con su token de cabina (tolk-server token issue --role booth lo muestra).',
    refused: 'El servidor rechazó esta consola: {reason}', replaced: 'Esta consola se abrió en otro lugar; esta se detiene.',
    overridden: 'Otra cabina tomó el canal: {reason}', taken: 'Otra cabina está al aire en este canal; esperando…',
    start: 'Iniciar la consola', micDenied: 'No se pudo abrir el micrófono: {reason}', uiLanguage: 'Idioma de la página',
    booth: 'Cabina {name}', alone: 'solo', partners: '{n} colega(s)',
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
