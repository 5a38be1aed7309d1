"""Word lists for generated guests: names from many cultures, companies, jobs, notes."""

from __future__ import annotations

from dataclasses import dataclass

# An entry "Native|ascii" gives the spelling used for e-mail addresses when folding accents is not
# enough (other scripts). A surname entry "Masculine/Feminine" holds the two gendered forms.


@dataclass(frozen=True)
class Culture:
    country: str
    weight: int
    female: tuple[str, ...]
    male: tuple[str, ...]
    surnames: tuple[str, ...]
    cities: tuple[str, ...]
    phone_prefix: str
    family_name_first: bool = False


def _t(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split(",") if part.strip())


# One culture per block: "country weight phone-prefix [family-first]", then its word lists (a list
# named twice goes on).
_CULTURE_TABLE = """
DE 12 +49
    female: Anna, Lena, Hannah, Greta, Käthe, Sophie, Mareike, Jördis, Ulrike, Friederike
    male: Jürgen, Lukas, Felix, Jörg, Matthias, Björn, Dieter, Maximilian, Günther, Till
    surnames: Müller, Schröder, Weiß, Groß, Köhler, Becker, Hoffmann, Jäger, Schäfer, Wagner, Vogel, Krüger
    cities: Berlin, München, Köln, Düsseldorf, Nürnberg, Lübeck, Göttingen
AT 5 +43
    female: Theresa, Magdalena, Veronika, Johanna
    male: Florian, Maximilian, Lorenz, Valentin
    surnames: Gruber, Huber, Pichler, Mayrhofer, Höller, Steiner, Wallner, Brandstätter
    cities: Wien, Graz, Linz, Salzburg, Innsbruck, Klagenfurt
CH 3 +41
    female: Seraina, Mirjam, Rahel, Aurélie
    male: Reto, Urs, Beat, Noé
    surnames: Brügger, Zürcher, Baumgartner, Käser, Favre, Rüegg
    cities: Zürich, Bern, Genève, Lausanne, Luzern, Biel/Bienne
ES 6 +34
    female: Lucía, María José, Inés, Begoña, Nuria, Ainhoa, Pilar
    male: José, Íñigo, Álvaro, Jesús, Sergio, Joaquín, Ramón
    surnames: Núñez, García, Ibáñez, Peña, Muñoz, Fernández, Gómez, Martín, Sáenz de Urturi, Echeverría
    cities: Madrid, Barcelona, Sevilla, Málaga, A Coruña, Logroño
MX 3 +52
    female: Guadalupe, Ximena, Itzel, Mónica
    male: Andrés, Joaquín, Emiliano, Raúl
    surnames: Hernández, López, Domínguez, Ordóñez, Cuauhtémoc, Villaseñor
    cities: Ciudad de México, Guadalajara, Monterrey, Mérida
FR 7 +33
    female: Chloé, Renée, Thérèse, Hélène, Amélie, Zoé, Maëlle, Océane
    male: François, Jérôme, Benoît, Loïc, Gaël, Théo, Édouard
    surnames: Dubois, Lefèvre, Moreau, Girard, Bérubé, Rousseau, Laurent, Faure, Lemaître, Château
    cities: Paris, Lyon, Marseille, Besançon, Orléans, Nîmes
DK 3 +45
    female: Ida, Freja, Mette, Signe
    male: Søren, Jens, Mads, Asger
    surnames: Sørensen, Jørgensen, Kjær, Østergaard, Nielsen, Bækgaard
    cities: København, Aarhus, Odense, Aalborg
SE 3 +46
    female: Åsa, Linnéa, Maja, Ebba
    male: Mårten, Björn, Göran, Åke
    surnames: Håkansson, Eriksson, Lindqvist, Öberg, Ångström, Sjöberg
    cities: Stockholm, Göteborg, Malmö, Umeå, Västerås
NO 2 +47
    female: Ingrid, Solveig, Tuva
    male: Øystein, Håvard, Eirik
    surnames: Bråthen, Løvås, Hansen, Strøm, Ødegård
    cities: Oslo, Bergen, Tromsø, Trondheim
FI 2 +358
    female: Aino, Päivi, Sanna, Kyllikki
    male: Jyrki, Mikko, Väinö, Teemu
    surnames: Virtanen, Mäkinen, Nieminen, Häkkinen, Kärkkäinen, Ylönen
    cities: Helsinki, Tampere, Jyväskylä, Oulu, Hämeenlinna
PL 4 +48
    female: Małgorzata, Agnieszka, Zofia, Katarzyna, Jadwiga
    male: Łukasz, Paweł, Wojciech, Krzysztof, Zbigniew
    surnames: Nowak, Wójcik, Kowalczyk, Kaczmarek
    surnames: Mazur, Krawczyk, Wiśniewski/Wiśniewska, Dąbrowski/Dąbrowska, Szczęsny/Szczęsna
    cities: Kraków, Łódź, Wrocław, Gdańsk, Poznań
CZ 2 +420
    female: Zuzana, Věra, Tereza, Kateřina
    male: Jiří, Tomáš, Ondřej, Přemysl
    surnames: Dvořák/Dvořáková, Novák/Nováková, Černý/Černá, Procházka/Procházková, Kučera/Kučerová
    cities: Praha, Brno, Ostrava, České Budějovice
HU 2 +36
    female: Zsófia, Réka, Ildikó, Erzsébet
    male: Zoltán, Gábor, Levente, Ödön
    surnames: Horváth, Nagy, Kovács, Szűcs, Tóth, Fekete
    cities: Budapest, Debrecen, Pécs, Győr
HR 2 +385
    female: Ivana, Mateja, Snježana
    male: Dražen, Goran, Nikola, Tomislav
    surnames: Kovačević, Petrović, Jurić, Babić, Đurić, Šimunović
    cities: Zagreb, Split, Rijeka, Beograd, Novi Sad
TR 4 +90
    female: Ayşe, Gülşen, Elif, Özlem, Şebnem
    male: Mehmet, Çağlar, Barış, Oğuz, İsmail
    surnames: Çelik, Şahin, Yıldız, Öztürk, Aydın, Doğan, Kılıç
    cities: İstanbul, Ankara, İzmir, Eskişehir, Muğla
IE 3 +353
    female: Siobhán, Aoife, Niamh, Sinéad, Caoimhe
    male: Seán, Pádraig, Oisín, Cian, Donnchadh
    surnames: O'Brien, Ó Súilleabháin, Fitzgerald, Murphy, O'Neill, Mac Giolla Phádraig
    cities: Dublin, Cork, Galway, Limerick
GB 6 +44
    female: Zoë, Olivia, Imogen, Harriet, Priyanka
    male: Oliver, Alistair, Rhys, Hamish, Callum
    surnames: Smith, Taylor, MacLeod, Davies, Smith-Jones, Featherstonehaugh, Llewellyn, ap Rhys
    cities: London, Edinburgh, Manchester, Cardiff, Belfast, Leeds
US 7 +1
    female: Emily, Madison, Zoë, Shaniqua, Mary-Kate
    male: Michael, DeShawn, Tyler, Jean-Luc, J.
    surnames: Johnson, Williams, Washington, Rodriguez-Smith, McAllister, O'Connor, DiMaggio
    cities: New York, Chicago, San Francisco, Austin, New Orleans
IT 5 +39
    female: Giulia, Chiara, Francesca, Nicoletta, Beatrice
    male: Niccolò, Matteo, Lorenzo, Nicolò
    surnames: Rossi, Bianchi, D'Angelo, Esposito, De Luca, Galli, Dell'Acqua
    cities: Roma, Milano, Torino, Napoli, Forlì, Cefalù
PT 3 +351
    female: Conceição, Leonor, Inês, Beatriz
    male: João, Gonçalo, Sebastião, Tomás
    surnames: Ferreira, Gonçalves, Araújo, Simões, Magalhães, Conceição
    cities: Lisboa, Porto, Coimbra, Braga
BR 3 +55
    female: Luíza, Thaís, Letícia, Iara
    male: Caio, Vinícius, Júlio, Cauã
    surnames: Silva, Souza, Oliveira, Assunção, Brandão, Nascimento
    cities: São Paulo, Belo Horizonte, Brasília, Florianópolis
NL 3 +31
    female: Anouk, Saskia, Fenna, Zoë, Lieke
    male: Joost, Sjoerd, Daan, Rutger, Thijs
    surnames: de Vries, van den Berg, van Dijk, Bakker, de Jong, IJzerman
    cities: Amsterdam, Utrecht, Rotterdam, 's-Hertogenbosch, Groningen
BE 2 +32
    female: Anaïs, Lotte, Margaux
    male: Wouter, Maxime, Jef
    surnames: Janssens, De Smet, Peeters, Vandenbroucke, Dupont
    cities: Gent, Antwerpen, Bruxelles, Liège
VN 3 +84 family-first
    female: Thị Hương, Thu Trang, Mai Anh, Ngọc Ánh
    male: Văn Đức, Minh Tuấn, Quốc Bảo, Hữu Phước
    surnames: Nguyễn, Trần, Lê, Phạm, Hoàng, Võ
    cities: Hà Nội, Thành phố Hồ Chí Minh, Đà Nẵng, Huế
CN 4 +86 family-first
    female: 芳|Fang, 静|Jing, 秀英|Xiuying, Xiaoling, Meiling
    male: 伟|Wei, 强|Qiang, 磊|Lei, Jun, Hao
    surnames: 王|Wang, 李|Li, 张|Zhang, Chen, Liu, Zhou
    cities: Beijing, Shanghai, Shenzhen, Chengdu, Hangzhou
JP 3 +81
    female: Yūko, Haruka, Aiko, Sakura, Megumi
    male: Kenta, Shōta, Hiroshi, Daisuke, Ryō
    surnames: Yamada, Satō, Suzuki, Takahashi, Nakamura, Itō, 田中|Tanaka
    cities: Tōkyō, Ōsaka, Kyōto, Sapporo, Fukuoka
KR 2 +82
    female: Ji-woo, Seo-yeon, Min-ji, Ha-eun
    male: Min-jun, Do-hyun, Seung-ho, Ji-hoon
    surnames: Kim, Park, Lee, Choi, Jung, Kang
    cities: Seoul, Busan, Incheon, Daegu
IN 4 +91
    female: Priya, Ananya, Lakshmi, Aishwarya, Kavya
    male: Arjun, Rahul, Vikram, Siddharth, Venkatesh
    surnames: Patel, Singh, Sharma, Iyer, Reddy, Banerjee, Krishnamurthy
    cities: Mumbai, Bengaluru, Chennai, Pune, Kolkata
NG 3 +234
    female: Chiamaka, Adaeze, Oluwadamilola, Ngozi
    male: Chinedu, Oluwaseun, Emeka, Babatunde
    surnames: Okafor, Adeyemi, Nwosu, Eze, Adebayo-Williams
    cities: Lagos, Abuja, Ibadan, Enugu
GH 1 +233
    female: Akosua, Abena, Efua
    male: Kwame, Kofi, Yaw
    surnames: Mensah, Boateng, Owusu, Asante
    cities: Accra, Kumasi, Tamale
KE 1 +254
    female: Wanjiru, Akinyi, Njeri
    male: Kipchoge, Otieno, Kamau
    surnames: Ochieng, Mwangi, Kiprotich, Wambui
    cities: Nairobi, Mombasa, Kisumu
LB 3 +961
    female: Layla, Fatima, Nour, Rania, Maryam
    male: Youssef, Karim, Omar, Khalil, Ziad
    surnames: Haddad, Khoury, Al-Sayed, El-Amin, Nasser, Abu-Zeid
    cities: Beirut, Amman, Cairo, Dubai, Casablanca
GR 2 +30
    female: Ελένη|Eleni, Μαρία|Maria, Κατερίνα|Katerina, Zoë
    male: Γιώργος|Giorgos, Νίκος|Nikos, Dimitris
    surnames: Παπαδόπουλος|Papadopoulos/Παπαδοπούλου|Papadopoulou, Οικονόμου|Oikonomou
    surnames: Georgiou, Καραγιάννης|Karagiannis/Καραγιάννη|Karagianni
    cities: Athína, Thessaloníki, Pátra, Irákleio
UA 2 +380
    female: Олена|Olena, Оксана|Oksana, Iryna
    male: Андрій|Andrii, Дмитро|Dmytro, Taras
    surnames: Шевченко|Shevchenko, Kovalenko, Бондаренко|Bondarenko, Мельник|Melnyk
    cities: Kyiv, Lviv, Odesa, Kharkiv
IS 1 +354
    female: Guðrún, Sigríður, Þórdís
    male: Jón, Þórir, Ægir
    surnames: Ólafsson/Ólafsdóttir, Jónsson/Jónsdóttir, Einarsson/Einarsdóttir
    cities: Reykjavík, Akureyri
"""


def _parse_cultures(table: str) -> tuple[Culture, ...]:
    cultures = []
    head: list[str] = []
    lists: dict[str, tuple[str, ...]] = {}
    for line in [*table.strip().splitlines(), "END"]:
        if line.startswith(" "):
            key, _, values = line.strip().partition(":")
            lists[key] = lists.get(key, ()) + _t(values)
            continue
        if head:
            country, weight, prefix = head[:3]
            cultures.append(
                Culture(
                    country,
                    int(weight),
                    lists["female"],
                    lists["male"],
                    lists["surnames"],
                    lists["cities"],
                    prefix,
                    family_name_first="family-first" in head,
                )
            )
        head, lists = line.split(), {}
    return tuple(cultures)


CULTURES = _parse_cultures(_CULTURE_TABLE)

COMPANY_STEMS = _t(
    "Nordlicht, Blue Harbor, Zürcher, Lumière, Andes, Kilimanjaro, Danube, Atlas, Polaris, Aurora, Meridian, "
    "Helvetia, Bergström, Tanaka, Øresund, Brücken, Cœur, Sakura, Baobab, Vltava, Hanse, Kestrel, Marigold, "
    "Sierra, Fjord, Cedar, Quetzal, Ibis, Solstice, Kōbō, Wrocław, Ålesund, Ashdown, Crescent, Pinnacle"
)
COMPANY_KINDS = _t(
    "Consulting, Systems, Logistics, Media, Pharma, Energy, Software, Architects, Foods, Robotics, Textiles, "
    "Bank, Analytics, Design, Ventures, Engineering, Publishing, Biotech, Travel, Insurance, Labs"
)
LEGAL_FORMS = _t("GmbH, AG, Ltd, S.A., S.r.l., Oy, AB, K.K., Inc., B.V., sp. z o.o., A/S, LLC, SE, s.r.o.")
POSITIONS = _t(
    "CEO, CTO, CIO, Head of Marketing, Product Manager, Software Engineer, Sales Director, Journalist, "
    "Researcher, Office Manager, Architect, Consultant, Data Scientist, Procurement, Photographer, "
    "Event Manager, Founder, Student, Professor, Chief Editor, Nurse, Account Executive"
)
NOTES = (
    "Wheelchair access needed",
    "Allergic to nuts",
    "Arrives late; badge kept at the desk",
    "Speaker: panel at 14:00, hall B",
    "Needs an invoice on site",
    "Brings a photographer (registered separately)",
    "VIP lounge access",
    "Hearing loop requested",
    "Vegan meals, no honey",
    "Press kit handed out? Ask at desk 2",
    "Große Tasche – bitte Garderobe anbieten",
    "Prefers French: « Bonjour ! »",
)
CATEGORIES = (("Attendee", 70), ("VIP", 6), ("Press", 4), ("Speaker", 6), ("Exhibitor", 8), ("Staff", 6))
HIGHLIGHTS = {"VIP": "#f5c518", "Press": "#4aa3df"}
DIETS = (("none", 70), ("vegetarian", 14), ("vegan", 7), ("halal", 4), ("kosher", 2), ("gluten-free", 3))
WORKSHOPS = ("Workshop A", "Workshop B", "Workshop C", "Keynote dinner", "City tour")
TITLES = (("", 88), ("Dr.", 8), ("Prof. Dr.", 2), ("Mag.", 1), ("Ing.", 1))
TITLE_SUFFIXES = (("", 94), ("MSc", 2), ("PhD", 2), ("MBA", 2))
