"""The words of the benchmark corpus: roles, cities and German sentence pools.

Kept apart from corpus.py so that the generator reads as code. The tables are
plain text, one entry a line, parsed once at import. Nothing here is random;
corpus.py draws from these lists with a seeded generator.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RoleSpec:
    name: str
    field: str  # key into TASKS and EMPLOYERS
    entry: int  # typical monthly entry pay in EUR, gross
    aliases: tuple[str, ...]
    related: tuple[str, ...]
    summary: str


# Three lines a role: "name | field | entry pay | aliases", "  related; ...", "  summary".
_ROLES = """
Kundendienstleiter | service | 2900 | Leiter/-in Customer Service; Lead Customer Service
  Customer Service; Bürokauffrau
  Kundendienstleiter/-innen führen das Serviceteam und lösen Anfragen schnell und freundlich.
Customer Service | service | 2400 | Kundenservice
  Kundendienstleiter; Verkäuferin
  Im Customer Service beantworten Fachkräfte Fragen am Telefon, per Mail und im Chat.
Lagerlogistiker | logistik | 2500 | Fachkraft für Lagerlogistik
  Berufskraftfahrer; Spediteurin
  Lagerlogistiker/-innen nehmen Waren an, lagern sie ein und bereiten den Versand vor.
Mechatronikerin | technik | 2800 | Mechatroniker
  Elektronikerin; Industriemechanikerin
  Mechatroniker/-innen verbinden Mechanik, Elektrik und Software in Maschinen.
Pflegefachkraft | pflege | 3100 | Pflegefachfrau; Pflegefachmann
  Altenpflegerin; Notfallsanitäter
  Pflegefachkräfte versorgen kranke Menschen in Klinik, Heim und ambulantem Dienst.
Steuerfachangestellte | buero | 2700 | Steuerfachangestellter
  Bankkauffrau; Bürokauffrau
  Steuerfachangestellte bereiten Buchhaltung, Lohnabrechnung und Steuererklärungen vor.
Elektronikerin | technik | 2700 | Elektroniker
  Mechatronikerin; Anlagenmechaniker SHK
  Elektroniker/-innen installieren elektrische Anlagen und finden Fehler in Schaltungen.
Industriekaufmann | buero | 2800 | Industriekauffrau
  Bürokauffrau; Spediteurin
  Industriekaufleute steuern Einkauf, Vertrieb und Controlling in der Industrie.
Bürokauffrau | buero | 2500 | Kauffrau für Büromanagement; Bürokaufmann
  Industriekaufmann; Steuerfachangestellte
  Bürokaufleute organisieren Abläufe, Termine und Schriftverkehr.
Berufskraftfahrer | logistik | 2600 | LKW-Fahrer; Berufskraftfahrerin
  Lagerlogistiker; Spediteurin
  Berufskraftfahrer/-innen bringen Güter sicher und pünktlich ans Ziel.
Altenpflegerin | pflege | 2900 | Altenpfleger
  Pflegefachkraft; Physiotherapeutin
  Altenpfleger/-innen begleiten ältere Menschen im Alltag und in der Pflege.
Erzieherin | pflege | 3000 | Erzieher
  Altenpflegerin; Pflegefachkraft
  Erzieher/-innen fördern Kinder in Kita, Hort und Jugendhilfe.
Köchin | gastro | 2300 | Koch
  Hotelfachfrau; Bäckerin
  Köche und Köchinnen planen Gerichte, kochen sie und achten auf Hygiene.
Hotelfachfrau | gastro | 2300 | Hotelfachmann
  Köchin; Customer Service
  Hotelfachleute arbeiten an der Rezeption, im Service und in der Verwaltung.
Bäckerin | handwerk | 2300 | Bäcker
  Köchin; Fleischer
  Bäcker/-innen backen Brot, Brötchen und Feingebäck, oft schon vor Sonnenaufgang.
Tischlerin | handwerk | 2500 | Tischler; Schreiner
  Dachdeckerin; Malerin und Lackiererin
  Tischler/-innen fertigen Möbel, Fenster und Innenausbauten aus Holz.
Anlagenmechaniker SHK | handwerk | 2600 | Installateur; Anlagenmechanikerin SHK
  Elektronikerin; Dachdeckerin
  Anlagenmechaniker/-innen bauen und warten Sanitär-, Heizungs- und Klimatechnik.
Straßenbauer | handwerk | 2600 | Straßenbauerin
  Dachdeckerin; Berufskraftfahrer
  Straßenbauer/-innen legen Straßen, Wege und Plätze an und setzen sie instand.
Fachinformatikerin | technik | 3000 | Fachinformatiker
  Elektronikerin; Industriekaufmann
  Fachinformatiker/-innen entwickeln Software oder betreuen Netzwerke und Server.
Medizinische Fachangestellte | pflege | 2400 | MFA; Arzthelferin
  Zahnmedizinische Fachangestellte; Pflegefachkraft
  Medizinische Fachangestellte organisieren die Praxis und assistieren bei Untersuchungen.
Zahnmedizinische Fachangestellte | pflege | 2300 | ZFA
  Medizinische Fachangestellte; Hörakustikerin
  Zahnmedizinische Fachangestellte assistieren bei Behandlungen und rechnen ab.
Bankkauffrau | buero | 3000 | Bankkaufmann
  Versicherungskaufmann; Immobilienkauffrau
  Bankkaufleute beraten zu Konten, Krediten und Geldanlagen.
Verkäuferin | handel | 2200 | Verkäufer
  Einzelhandelskauffrau; Customer Service
  Verkäufer/-innen beraten Kundschaft, räumen Ware ein und kassieren.
Einzelhandelskauffrau | handel | 2400 | Einzelhandelskaufmann
  Verkäuferin; Bürokauffrau
  Einzelhandelskaufleute verkaufen, planen Sortimente und führen oft ein Team.
Friseurin | handwerk | 2100 | Friseur
  Verkäuferin; Hörakustikerin
  Friseure und Friseurinnen schneiden, färben und pflegen Haare.
Gärtnerin | handwerk | 2300 | Gärtner
  Straßenbauer; Tischlerin
  Gärtner/-innen pflanzen, pflegen und gestalten Gärten, Parks und Grünflächen.
Zerspanungsmechaniker | technik | 2700 | Zerspanungsmechanikerin
  Industriemechanikerin; Mechatronikerin
  Zerspanungsmechaniker/-innen fertigen präzise Bauteile an Dreh- und Fräsmaschinen.
Industriemechanikerin | technik | 2800 | Industriemechaniker
  Zerspanungsmechaniker; Mechatronikerin
  Industriemechaniker/-innen bauen Maschinen auf und halten die Produktion am Laufen.
Kfz-Mechatroniker | technik | 2500 | Kfz-Mechatronikerin; Automechaniker
  Mechatronikerin; Elektronikerin
  Kfz-Mechatroniker/-innen warten und reparieren Autos, Transporter und E-Fahrzeuge.
Dachdeckerin | handwerk | 2600 | Dachdecker
  Tischlerin; Anlagenmechaniker SHK
  Dachdecker/-innen decken Dächer, dichten sie ab und montieren Solaranlagen.
Malerin und Lackiererin | handwerk | 2400 | Maler; Lackierer
  Tischlerin; Dachdeckerin
  Maler/-innen und Lackierer/-innen gestalten und schützen Wände und Fassaden.
Spediteurin | logistik | 2700 | Kauffrau für Spedition und Logistikdienstleistung; Spediteur
  Lagerlogistiker; Berufskraftfahrer
  Speditionskaufleute planen Transporte und verhandeln mit Kunden und Frachtführern.
Hörakustikerin | gesundheit | 2500 | Hörakustiker
  Medizinische Fachangestellte; Verkäuferin
  Hörakustiker/-innen messen das Gehör und passen Hörsysteme an.
Physiotherapeutin | gesundheit | 2700 | Physiotherapeut
  Pflegefachkraft; Altenpflegerin
  Physiotherapeut/-innen behandeln Beschwerden des Bewegungsapparats.
Notfallsanitäter | gesundheit | 3200 | Notfallsanitäterin
  Pflegefachkraft; Berufskraftfahrer
  Notfallsanitäter/-innen versorgen Verletzte und Erkrankte im Rettungsdienst.
Fachkraft für Schutz und Sicherheit | service | 2500 | Sicherheitsfachkraft
  Customer Service; Berufskraftfahrer
  Sicherheitsfachkräfte bewachen Gebäude, kontrollieren Zugänge und sichern Veranstaltungen.
Immobilienkauffrau | buero | 2800 | Immobilienkaufmann
  Bankkauffrau; Versicherungskaufmann
  Immobilienkaufleute vermieten, verkaufen und verwalten Wohnungen und Gewerbeflächen.
Chemielaborantin | technik | 2900 | Chemielaborant
  Fachinformatikerin; Industriemechanikerin
  Chemielaborant/-innen führen Analysen und Versuche im Labor durch.
Versicherungskaufmann | buero | 2900 | Versicherungskauffrau
  Bankkauffrau; Immobilienkauffrau
  Versicherungskaufleute beraten zu Absicherung und bearbeiten Schadensfälle.
Fleischer | handwerk | 2300 | Metzger; Fleischerin
  Bäckerin; Köchin
  Fleischer/-innen verarbeiten Fleisch, stellen Wurst her und verkaufen an der Theke.
"""

# Real German cities with their states, "city=state; ...".
_CITIES = """
Berlin=Berlin; Hamburg=Hamburg; München=Bayern; Köln=Nordrhein-Westfalen
Frankfurt am Main=Hessen; Stuttgart=Baden-Württemberg; Düsseldorf=Nordrhein-Westfalen
Leipzig=Sachsen; Dortmund=Nordrhein-Westfalen; Essen=Nordrhein-Westfalen; Bremen=Bremen
Dresden=Sachsen; Hannover=Niedersachsen; Nürnberg=Bayern; Duisburg=Nordrhein-Westfalen
Bochum=Nordrhein-Westfalen; Wuppertal=Nordrhein-Westfalen; Bielefeld=Nordrhein-Westfalen
Bonn=Nordrhein-Westfalen; Münster=Nordrhein-Westfalen; Mannheim=Baden-Württemberg
Karlsruhe=Baden-Württemberg; Augsburg=Bayern; Wiesbaden=Hessen
Mönchengladbach=Nordrhein-Westfalen; Gelsenkirchen=Nordrhein-Westfalen
Aachen=Nordrhein-Westfalen; Braunschweig=Niedersachsen; Kiel=Schleswig-Holstein
Chemnitz=Sachsen; Halle (Saale)=Sachsen-Anhalt; Magdeburg=Sachsen-Anhalt
Freiburg im Breisgau=Baden-Württemberg; Krefeld=Nordrhein-Westfalen; Mainz=Rheinland-Pfalz
Lübeck=Schleswig-Holstein; Erfurt=Thüringen; Oberhausen=Nordrhein-Westfalen
Rostock=Mecklenburg-Vorpommern; Kassel=Hessen; Hagen=Nordrhein-Westfalen; Potsdam=Brandenburg
Saarbrücken=Saarland; Hamm=Nordrhein-Westfalen; Ludwigshafen am Rhein=Rheinland-Pfalz
Oldenburg=Niedersachsen; Mülheim an der Ruhr=Nordrhein-Westfalen; Osnabrück=Niedersachsen
Leverkusen=Nordrhein-Westfalen; Heidelberg=Baden-Württemberg; Darmstadt=Hessen
Solingen=Nordrhein-Westfalen; Regensburg=Bayern; Herne=Nordrhein-Westfalen
Paderborn=Nordrhein-Westfalen; Neuss=Nordrhein-Westfalen; Ingolstadt=Bayern
Offenbach am Main=Hessen; Fürth=Bayern; Würzburg=Bayern; Ulm=Baden-Württemberg
Heilbronn=Baden-Württemberg; Pforzheim=Baden-Württemberg; Wolfsburg=Niedersachsen
Göttingen=Niedersachsen; Bottrop=Nordrhein-Westfalen; Reutlingen=Baden-Württemberg
Koblenz=Rheinland-Pfalz; Bremerhaven=Bremen; Recklinghausen=Nordrhein-Westfalen
Bergisch Gladbach=Nordrhein-Westfalen; Jena=Thüringen; Erlangen=Bayern
Remscheid=Nordrhein-Westfalen; Trier=Rheinland-Pfalz; Salzgitter=Niedersachsen
Moers=Nordrhein-Westfalen; Siegen=Nordrhein-Westfalen; Hildesheim=Niedersachsen
Cottbus=Brandenburg; Gütersloh=Nordrhein-Westfalen; Kaiserslautern=Rheinland-Pfalz
Witten=Nordrhein-Westfalen; Schwerin=Mecklenburg-Vorpommern
Esslingen am Neckar=Baden-Württemberg; Ludwigsburg=Baden-Württemberg
Iserlohn=Nordrhein-Westfalen; Gera=Thüringen; Zwickau=Sachsen; Flensburg=Schleswig-Holstein
Lüneburg=Niedersachsen; Konstanz=Baden-Württemberg; Bamberg=Bayern; Passau=Bayern
Frankfurt (Oder)=Brandenburg; Stralsund=Mecklenburg-Vorpommern; Weimar=Thüringen
Görlitz=Sachsen
"""

# Synthetic towns ("Neustadt 17") once the real names run out: common parts of
# German place names; the number keeps every name unique.
SYNTHETIC_BASES = (
    "Neustadt",
    "Altdorf",
    "Waldheim",
    "Rosenau",
    "Lindenberg",
    "Steinbach",
    "Eichenau",
    "Birkenfeld",
    "Mühlhausen",
    "Grünwald",
    "Schönberg",
    "Kirchberg",
    "Talheim",
    "Bruchsee",
    "Hohenfurt",
    "Weißenbrück",
)
STATES = (
    "Baden-Württemberg",
    "Bayern",
    "Brandenburg",
    "Hessen",
    "Mecklenburg-Vorpommern",
    "Niedersachsen",
    "Nordrhein-Westfalen",
    "Rheinland-Pfalz",
    "Saarland",
    "Sachsen",
    "Sachsen-Anhalt",
    "Schleswig-Holstein",
    "Thüringen",
)

# Tasks by field, one a line after "[field]".
_TASKS = """
[service]
Anfragen am Telefon, per Mail und im Chat beantworten
Reklamationen aufnehmen und fair lösen
Schichtpläne und Erreichbarkeit des Teams planen
Kennzahlen wie Wartezeit und Lösungsquote auswerten
neue Kolleginnen und Kollegen einarbeiten
Wissensdatenbank und Textbausteine pflegen
mit Vertrieb und Technik Lösungen abstimmen
schwierige Gespräche deeskalieren
[logistik]
Wareneingang prüfen und Lieferscheine abgleichen
Güter mit Stapler oder Hubwagen bewegen
Bestände im Lagerverwaltungssystem buchen
Sendungen kommissionieren und verpacken
Touren und Ladereihenfolgen planen
Gefahrgut nach Vorschrift kennzeichnen
Inventuren vorbereiten und durchführen
Frachtpapiere und Zolldokumente erstellen
[technik]
Anlagen nach Plan montieren und in Betrieb nehmen
Fehler mit Messgeräten und Diagnosesoftware suchen
Wartungspläne einhalten und dokumentieren
Steuerungen anpassen und testen
Bauteile nach Zeichnung fertigen
Kundschaft in die Bedienung einweisen
Prüfprotokolle schreiben
Ersatzteile bestellen und verbauen
[pflege]
Pflege planen, durchführen und dokumentieren
Medikamente richten und verabreichen
Angehörige beraten und anleiten
bei Visiten und Untersuchungen assistieren
Vitalwerte messen und Auffälligkeiten melden
Auszubildende anleiten
Übergaben zwischen den Schichten gestalten
Hygienestandards einhalten
[buero]
Belege prüfen und buchen
Angebote und Rechnungen erstellen
Termine koordinieren und Besprechungen vorbereiten
Kundinnen und Kunden beraten
Auswertungen in der Tabellenkalkulation erstellen
Verträge vorbereiten und Fristen überwachen
Korrespondenz mit Behörden führen
Abläufe digitalisieren und verbessern
[gastro]
Speisen vorbereiten und anrichten
Gäste begrüßen und beraten
Waren bestellen und Lager kontrollieren
Hygieneregeln und Kühlketten einhalten
Veranstaltungen und Buffets planen
Reservierungen und Zimmer verwalten
Dienstpläne mitgestalten
Kassenabrechnung erledigen
[handwerk]
Aufträge mit der Kundschaft besprechen
Material auswählen und zuschneiden
auf Baustellen und in der Werkstatt arbeiten
Maschinen und Werkzeuge sicher bedienen
Aufmaße nehmen und Arbeitszeiten erfassen
Arbeitsschutz und Qualität im Blick behalten
Auszubildenden Handgriffe zeigen
fertige Arbeiten abnehmen lassen
[handel]
Kundschaft beraten und Produkte erklären
Ware annehmen, auszeichnen und einräumen
Kasse führen und abrechnen
Schaufenster und Aktionsflächen gestalten
Bestände prüfen und nachbestellen
Reklamationen freundlich bearbeiten
Verkaufszahlen auswerten
im Onlinehandel Bestellungen vorbereiten
[gesundheit]
Patientinnen und Patienten untersuchen und beraten
Behandlungen planen und dokumentieren
Geräte einstellen und pflegen
mit Ärztinnen und Ärzten zusammenarbeiten
Verordnungen prüfen und abrechnen
Übungen anleiten und Fortschritte messen
in Notfällen schnell handeln
Hygiene und Medizinprodukterecht einhalten
"""

EMPLOYERS = {
    "service": ("Energieversorger", "Versandhändler", "Telefonanbieter", "Versicherer"),
    "logistik": ("Paketdienste", "Großhändler", "Speditionen", "Hafenbetriebe"),
    "technik": ("Maschinenbauer", "Autozulieferer", "Stadtwerke", "Medizintechnikfirmen"),
    "pflege": ("Kliniken", "Pflegeheime", "ambulante Dienste", "Träger der Jugendhilfe"),
    "buero": ("Kanzleien", "Banken", "Industriebetriebe", "Behörden"),
    "gastro": ("Hotels", "Restaurants", "Kantinen", "Caterer"),
    "handwerk": ("Handwerksbetriebe", "Bauunternehmen", "Genossenschaften", "Kommunen"),
    "handel": ("Supermärkte", "Warenhäuser", "Fachgeschäfte", "Drogerieketten"),
    "gesundheit": ("Praxen", "Rettungsdienste", "Fachgeschäfte", "Reha-Zentren"),
}

SKILLS = """
eine abgeschlossene Berufsausbildung oder ein vergleichbarer Abschluss
Zuverlässigkeit und Sorgfalt
Freude am Umgang mit Menschen
gute Deutschkenntnisse in Wort und Schrift
ein Führerschein der Klasse B
Bereitschaft zu Schicht- oder Wochenenddiensten
sicherer Umgang mit dem Computer
körperliche Belastbarkeit
Teamgeist und Humor
Englischkenntnisse für internationale Kundschaft
technisches Verständnis
ein Blick für Details
""".strip().splitlines()

TRAINING = """
Meister/-in oder Fachwirt/-in
Techniker/-in mit staatlicher Prüfung
ein berufsbegleitendes Studium
eine Teamleitung mit Personalverantwortung
Lehrgänge der Kammern
Spezialisierungen bei Herstellern
""".strip().splitlines()

# Sentences for free paragraphs; {role}, {city}, {state} and {employer} are filled in.
SENTENCES = """
Wer als {role} in {city} anfängt, merkt schnell, wie eng die Betriebe zusammenarbeiten.
Viele Stellen in {city} werden über Empfehlungen vergeben, ein gutes Netzwerk lohnt sich.
Die Wege sind kurz, und wer pendelt, kommt mit Bus und Bahn meist gut zur Arbeit.
Viele {employer} suchen regelmäßig Verstärkung und bieten nach der Probezeit feste Verträge.
Kleinere Betriebe zahlen manchmal etwas weniger, gleichen das aber mit flexiblen Zeiten aus.
In {state} gelten für viele Branchen Tarifverträge, die das Gehalt nach Erfahrung staffeln.
Wer Verantwortung übernimmt, kann nach einigen Jahren deutlich mehr verdienen.
Zuschläge für Nacht-, Sonn- und Feiertagsarbeit machen in manchen Monaten viel aus.
Auch die Lebenshaltungskosten in {city} gehören in den Vergleich der Angebote.
Ein Praktikum vor der Bewerbung zeigt, ob der Alltag wirklich zu einem passt.
Quereinsteigerinnen und Quereinsteiger haben Chancen, wenn sie verwandte Erfahrung mitbringen.
Die Digitalisierung verändert den Beruf: Tablets, Apps und vernetzte Geräte gehören dazu.
Viele Arbeitgeber in {city} zahlen Zuschüsse zum Deutschlandticket oder zur Altersvorsorge.
Teilzeit ist in diesem Beruf verbreitet und lässt sich oft gut mit Familie vereinbaren.
Wer sich weiterbildet, wird für {employer} in der Region besonders interessant.
Der Fachkräftemangel sorgt dafür, dass Bewerberinnen und Bewerber heute gut verhandeln.
Im Vorstellungsgespräch lohnt die Frage nach Einarbeitung, Zuschlägen und Weiterbildung.
Ein gepflegtes Profil in Jobportalen bringt manchmal Angebote vor der Ausschreibung.
Gerade in {city} wächst die Nachfrage, weil sich neue Betriebe ansiedeln.
Kammern und Verbände in {state} beraten zu Ausbildung und Anerkennung von Abschlüssen.
Wer gern mit Menschen spricht, findet im Kontakt mit der Kundschaft viel Bestätigung.
Stressige Tage gibt es überall, doch ein eingespieltes Team fängt vieles auf.
Arbeitskleidung und Werkzeug stellt in der Regel der Betrieb.
Manche Betriebe in {city} bieten eine Vier-Tage-Woche an, um Fachkräfte zu gewinnen.
Nach der Ausbildung übernehmen viele Betriebe ihre Nachwuchskräfte direkt.
Ein Wechsel in eine andere Stadt kann das Gehalt um einige Hundert Euro verändern.
Betriebsräte achten in größeren Häusern darauf, dass Überstunden ausgeglichen werden.
Wer Fragen zur Eingruppierung hat, findet Hilfe bei Gewerkschaften und Kammern.
Für Berufseinsteiger lohnt ein Blick auf Betriebe mit strukturierter Einarbeitung.
Gute Arbeitgeber erkennt man oft an geringer Fluktuation und klaren Dienstplänen.
In der Hochsaison steigt die Arbeitslast, in ruhigeren Wochen bleibt Zeit für Schulungen.
Ein Jobrad, Essenszuschüsse oder Fahrtkosten gehören vielerorts zum Paket dazu.
Wer Erfahrung mit digitalen Werkzeugen hat, kann im Gespräch damit punkten.
Die Spanne zwischen Einstieg und Erfahrung ist in {city} etwas größer als im Umland.
Auch ältere Bewerberinnen und Bewerber werden gern genommen, wenn sie Erfahrung zeigen.
Ein Umzug nach {city} lohnt sich vor allem, wenn der Arbeitgeber bei der Wohnungssuche hilft.
Kurze Entscheidungswege in kleinen Teams machen den Alltag oft angenehmer.
Wer sich spezialisiert, wird seltener austauschbar und verdient meist besser.
Mit einem Zeugnis aus einem bekannten Betrieb öffnen sich später viele Türen.
Feste Ansprechpartner und regelmäßige Feedbackgespräche erleichtern den Start.
""".strip().splitlines()

PROS = """
**Sicherheit:** Fachkräfte werden in fast jeder Region gesucht.
**Abwechslung:** Kaum ein Arbeitstag gleicht dem anderen.
**Aufstieg:** Viele Wege führen zu mehr Verantwortung und mehr Gehalt.
**Team:** Man arbeitet selten allein und lernt voneinander.
**Sinn:** Die Ergebnisse der eigenen Arbeit sind sofort sichtbar.
""".strip().splitlines()

CONS = """
**Schichten:** Früh-, Spät- und Wochenenddienste sind verbreitet.
**Belastung:** In Stoßzeiten wird es anstrengend.
**Tarif:** Kleine Betriebe zahlen oft unter Tarif.
**Druck:** Fehler fallen schnell auf und kosten Zeit.
""".strip().splitlines()

INTROS = """
{city} bietet Fachleuten im Beruf {role} ein breites Feld, vom Familienbetrieb bis zu {employer}.
Wer in {city} als {role} arbeiten möchte, trifft auf einen Markt mit vielen offenen Stellen.
In {city} sind Fachleute im Beruf {role} gefragt wie selten, und das zeigt sich beim Gehalt.
Zwischen Innenstadt und Gewerbegebieten gibt es in {city} viel zu tun im Beruf {role}.
""".strip().splitlines()

ADDENDA = """
Nachtrag: Die Zahlen wurden mit aktuellen Stellenanzeigen abgeglichen.
Ergänzung: Einige Betriebe zahlen inzwischen ein dreizehntes Monatsgehalt.
Hinweis: Tarifliche Erhöhungen können die Spanne im Laufe des Jahres verschieben.
""".strip().splitlines()


def _roles(text: str) -> tuple[RoleSpec, ...]:
    lines = text.strip().splitlines()
    roles = []
    for head, related, summary in zip(lines[0::3], lines[1::3], lines[2::3], strict=True):
        name, field, entry, aliases = (part.strip() for part in head.split("|"))
        roles.append(
            RoleSpec(
                name,
                field,
                int(entry),
                tuple(a.strip() for a in aliases.split(";")),
                tuple(r.strip() for r in related.split(";")),
                summary.strip(),
            )
        )
    return tuple(roles)


def _cities(text: str) -> tuple[tuple[str, str], ...]:
    pairs = (item.split("=") for line in text.strip().splitlines() for item in line.split("; "))
    return tuple((name.strip(), state.strip()) for name, state in pairs)


def _tasks(text: str) -> dict[str, tuple[str, ...]]:
    tasks: dict[str, list[str]] = {}
    current: list[str] = []
    for line in text.strip().splitlines():
        if line.startswith("["):
            current = tasks.setdefault(line.strip("[]"), [])
        else:
            current.append(line)
    return {field: tuple(items) for field, items in tasks.items()}


ROLES = _roles(_ROLES)
REAL_CITIES = _cities(_CITIES)
TASKS = _tasks(_TASKS)
