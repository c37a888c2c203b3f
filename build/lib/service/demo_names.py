"""Small lists of name parts from which the demo loader composes clearly fictional subjects.

Nothing here is taken from a real sanctions or watch list. Given names are common ones; family
names are common occupational, place or patronymic-style names; organisation names are invented
phrases. The loader combines them at random, and every generated entry carries ``source="demo"``
and a ``DEMO-`` decision reference, so no demo record can be mistaken for a real listing.

Each name part gives its original-script form and one or more Latin transliterations (the first
is the primary spelling, the others are the variants a border system meets in practice).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Part:
    """One name part: its original-script spelling and its Latin transliterations."""

    native: str
    latin: tuple[str, ...]


def _parts(*rows: tuple[str, str]) -> tuple[Part, ...]:
    return tuple(Part(native, tuple(latin.split("|"))) for native, latin in rows)


@dataclass(frozen=True, slots=True)
class Culture:
    """Name parts of one naming tradition and the countries demo subjects of it come from."""

    key: str
    script: str
    language: str
    countries: tuple[str, ...]
    male: tuple[Part, ...]
    female: tuple[Part, ...]
    # Family names as (male form, female form); identical where the language does not inflect.
    family: tuple[tuple[Part, Part], ...]
    family_first: bool = False  # Chinese and Korean names put the family name first


def _same(*rows: tuple[str, str]) -> tuple[tuple[Part, Part], ...]:
    return tuple((part, part) for part in _parts(*rows))


ARABIC = Culture(
    key="arabic", script="Arabic", language="ar",
    countries=("JO", "EG", "MA", "TN", "IQ", "SY", "LB", "DZ"),
    male=_parts(("يوسف", "Yusuf|Youssef|Yousef"), ("قاسم", "Qasim|Kassem|Qassem"),
                ("طارق", "Tariq|Tarek"), ("حمزة", "Hamza|Hamzah"), ("خليل", "Khalil|Khaleel"),
                ("نبيل", "Nabil|Nabeel"), ("سمير", "Samir|Sameer"), ("وليد", "Walid|Waleed"),
                ("كريم", "Karim|Kareem"), ("بلال", "Bilal|Belal"), ("منير", "Munir|Mounir"),
                ("رشيد", "Rashid|Rachid"), ("فيصل", "Faisal|Faycal"), ("إدريس", "Idris|Driss")),
    female=_parts(("أمينة", "Amina|Aminah"), ("ليلى", "Layla|Leila"), ("سميرة", "Samira|Sameera"),
                  ("نادية", "Nadia|Nadiya"), ("هدى", "Huda|Houda"), ("رانيا", "Rania|Raniya"),
                  ("سلمى", "Salma|Selma"), ("ياسمين", "Yasmin|Yasmine")),
    family=_same(("الحداد", "al-Haddad|Haddad|El Haddad"), ("النجار", "al-Najjar|Najjar|Nadjar"),
                 ("الخطيب", "al-Khatib|Khatib|El Khatib"), ("الصباغ", "al-Sabbagh|Sabbagh|Sabagh"),
                 ("الطاهري", "al-Tahiri|Tahiri|Et-Tahiri"), ("منصور", "Mansour|Mansur"),
                 ("درويش", "Darwish|Darwiche"), ("الجبالي", "al-Jabali|Jebali|Djebali"),
                 ("بركات", "Barakat|Baraket"), ("حجازي", "Hijazi|Hegazy|Hidjazi"),
                 ("نصار", "Nassar|Nasar")),
)

_RU_MALE = (("Александр", "Aleksandr|Alexander"), ("Дмитрий", "Dmitriy|Dmitry|Dmitri"),
            ("Сергей", "Sergey|Sergei"), ("Андрей", "Andrey|Andrei"),
            ("Николай", "Nikolay|Nikolai"),
            ("Павел", "Pavel"), ("Юрий", "Yuriy|Yuri|Iouri"), ("Михаил", "Mikhail|Michail"),
            ("Тимур", "Timur"), ("Руслан", "Ruslan"))
_RU_FAMILY = (("Волков", "Volkov"), ("Соколов", "Sokolov"), ("Зайцев", "Zaytsev|Zaitsev"),
              ("Белов", "Belov"), ("Орлов", "Orlov"), ("Кузнецов", "Kuznetsov|Kouznetsov"),
              ("Лебедев", "Lebedev"), ("Морозов", "Morozov"), ("Гусев", "Gusev|Goussev"),
              ("Ершов", "Yershov|Ershov"))

CYRILLIC = Culture(
    key="cyrillic", script="Cyrillic", language="ru",
    countries=("RU", "KZ", "BY", "KG", "TJ"),
    male=_parts(*_RU_MALE),
    female=_parts(("Елена", "Yelena|Elena"), ("Ольга", "Olga"), ("Татьяна", "Tatyana|Tatiana"),
                  ("Наталья", "Natalya|Natalia"), ("Ирина", "Irina"), ("Светлана", "Svetlana")),
    family=tuple(
        (Part(native, tuple(latin.split("|"))),
         Part(native + "а", tuple(form + "a" for form in latin.split("|"))))
        for native, latin in _RU_FAMILY
    ),
)

# Patronymics (father's name) by the father's given name: male and female forms.
RUSSIAN_PATRONYMICS: dict[str, tuple[Part, Part]] = {
    native: (Part(m_native, (m_latin,)), Part(f_native, (f_latin,)))
    for native, m_native, m_latin, f_native, f_latin in (
        ("Александр", "Александрович", "Aleksandrovich", "Александровна", "Aleksandrovna"),
        ("Дмитрий", "Дмитриевич", "Dmitriyevich", "Дмитриевна", "Dmitriyevna"),
        ("Сергей", "Сергеевич", "Sergeyevich", "Сергеевна", "Sergeyevna"),
        ("Андрей", "Андреевич", "Andreyevich", "Андреевна", "Andreyevna"),
        ("Николай", "Николаевич", "Nikolayevich", "Николаевна", "Nikolayevna"),
        ("Павел", "Павлович", "Pavlovich", "Павловна", "Pavlovna"),
        ("Юрий", "Юрьевич", "Yuryevich", "Юрьевна", "Yuryevna"),
        ("Михаил", "Михайлович", "Mikhaylovich", "Михайловна", "Mikhaylovna"),
        ("Тимур", "Тимурович", "Timurovich", "Тимуровна", "Timurovna"),
        ("Руслан", "Русланович", "Ruslanovich", "Руслановна", "Ruslanovna"),
    )
}

# Everyday short forms, used as low-quality aliases.
RUSSIAN_DIMINUTIVES: dict[str, str] = {
    "Aleksandr": "Sasha", "Dmitriy": "Dima", "Sergey": "Seryozha", "Andrey": "Andryusha",
    "Nikolay": "Kolya", "Pavel": "Pasha", "Yuriy": "Yura", "Mikhail": "Misha", "Timur": "Tima",
    "Ruslan": "Rusik", "Yelena": "Lena", "Olga": "Olya", "Tatyana": "Tanya", "Natalya": "Natasha",
    "Irina": "Ira", "Svetlana": "Sveta",
}

CHINESE = Culture(
    key="chinese", script="Han", language="zh",
    countries=("CN", "TW", "SG", "MY"),
    male=_parts(("建国", "Jianguo|Chien-kuo"), ("伟", "Wei"), ("明", "Ming"),
                ("强", "Qiang|Chiang"),
                ("军", "Jun|Chun"), ("杰", "Jie|Chieh"), ("磊", "Lei"), ("海洋", "Haiyang"),
                ("文华", "Wenhua|Wen-hua")),
    female=_parts(("芳", "Fang"), ("丽", "Li"), ("静", "Jing|Ching"), ("秀英", "Xiuying|Hsiu-ying"),
                  ("丽华", "Lihua|Li-hua"), ("平", "Ping")),
    family=_same(("王", "Wang"), ("李", "Li|Lee"), ("张", "Zhang|Chang"), ("刘", "Liu|Lau"),
                 ("陈", "Chen|Chan"), ("杨", "Yang|Yeung"), ("黄", "Huang|Wong"),
                 ("赵", "Zhao|Chao"),
                 ("周", "Zhou|Chou"), ("吴", "Wu|Ng")),
    family_first=True,
)

GREEK = Culture(
    key="greek", script="Greek", language="el",
    countries=("GR", "CY"),
    male=_parts(("Γιώργος", "Giorgos|Georgios|Yorgos"), ("Δημήτρης", "Dimitris|Dimitrios"),
                ("Νίκος", "Nikos|Nikolaos"), ("Κωνσταντίνος", "Konstantinos|Constantinos"),
                ("Ιωάννης", "Ioannis|Yannis"), ("Παναγιώτης", "Panagiotis|Panayiotis")),
    female=_parts(("Μαρία", "Maria"), ("Ελένη", "Eleni|Helen"), ("Κατερίνα", "Katerina|Aikaterini"),
                  ("Σοφία", "Sofia|Sophia")),
    family=tuple(
        (Part(m_native, tuple(m_latin.split("|"))), Part(f_native, tuple(f_latin.split("|"))))
        for m_native, m_latin, f_native, f_latin in (
            ("Παπαδόπουλος", "Papadopoulos", "Παπαδοπούλου", "Papadopoulou"),
            ("Γεωργίου", "Georgiou|Yeorgiou", "Γεωργίου", "Georgiou|Yeorgiou"),
            ("Νικολαΐδης", "Nikolaidis|Nicolaides", "Νικολαΐδου", "Nikolaidou|Nicolaidou"),
            ("Καραλής", "Karalis", "Καραλή", "Karali"),
            ("Βλάχος", "Vlachos|Vlahos", "Βλάχου", "Vlachou|Vlahou"),
            ("Αντωνίου", "Antoniou", "Αντωνίου", "Antoniou"),
        )
    ),
)

KOREAN = Culture(
    key="korean", script="Hangul", language="ko",
    countries=("KR",),
    male=_parts(("민준", "Min-jun|Minjun|Min Jun"), ("지훈", "Ji-hoon|Jihun|Chi Hun"),
                ("도윤", "Do-yoon|Doyun"), ("현우", "Hyun-woo|Hyeonu|Hyon U")),
    female=_parts(("서연", "Seo-yeon|Seoyeon|So Yon"), ("하은", "Ha-eun|Haeun"),
                  ("수빈", "Su-bin|Subin"), ("지민", "Ji-min|Jimin|Chi Min")),
    family=_same(("김", "Kim|Gim"), ("이", "Lee|Yi|Rhee"), ("박", "Park|Pak|Bak"),
                 ("최", "Choi|Choe"), ("정", "Jung|Jeong|Chung"), ("강", "Kang|Gang"),
                 ("조", "Cho|Jo"), ("윤", "Yoon|Yun")),
    family_first=True,
)

# Latin-script names with diacritics: the "native" form keeps them, transliterations drop them.
TURKISH = Culture(
    key="turkish", script="Latin", language="tr",
    countries=("TR",),
    male=_parts(("Ömer", "Omer"), ("Çağrı", "Cagri"), ("İbrahim", "Ibrahim"), ("Şükrü", "Sukru")),
    female=_parts(("Ayşe", "Ayse"), ("Gülşen", "Gulsen"), ("Özlem", "Ozlem")),
    family=_same(("Öztürk", "Ozturk|Oeztuerk"), ("Çelik", "Celik"), ("Şahin", "Sahin"),
                 ("Doğan", "Dogan"), ("Yılmazer", "Yilmazer")),
)

ROMANCE = Culture(
    key="romance", script="Latin", language="es",
    countries=("ES", "PT", "FR", "BR"),
    male=_parts(("José", "Jose"), ("Joaquín", "Joaquin"), ("João", "Joao"),
                ("François", "Francois"), ("Andrés", "Andres")),
    female=_parts(("María", "Maria"), ("Inês", "Ines"), ("Hélène", "Helene"), ("Zoë", "Zoe")),
    family=_same(("Núñez", "Nunez"), ("Muñoz", "Munoz"), ("Gonçalves", "Goncalves"),
                 ("Lefèvre", "Lefevre"), ("Peña", "Pena")),
)

CENTRAL_EUROPEAN = Culture(
    key="central", script="Latin", language="cs",
    countries=("PL", "CZ", "DE", "AT"),
    male=_parts(("Tomáš", "Tomas"), ("Jiří", "Jiri"), ("Łukasz", "Lukasz"),
                ("Jürgen", "Juergen|Jurgen")),
    female=_parts(("Małgorzata", "Malgorzata"), ("Věra", "Vera"), ("Hanna", "Hanna")),
    family=tuple(
        (Part(m, (m_latin,)), Part(f, (f_latin,)))
        for m, m_latin, f, f_latin in (
            ("Dvořák", "Dvorak", "Dvořáková", "Dvorakova"),
            ("Novák", "Novak", "Nováková", "Novakova"),
            ("Wiśniewski", "Wisniewski", "Wiśniewska", "Wisniewska"),
            ("Müller", "Mueller", "Müller", "Mueller"),
        )
    ),
)

CULTURES: tuple[Culture, ...] = (
    ARABIC, CYRILLIC, CHINESE, GREEK, KOREAN, TURKISH, ROMANCE, CENTRAL_EUROPEAN,
)
# Relative frequency of each tradition among demo persons.
CULTURE_WEIGHTS: tuple[int, ...] = (30, 20, 15, 8, 8, 7, 6, 6)

# Invented organisation names: (English, Arabic, Russian) forms of the same phrase.
ORGANISATION_PHRASES: tuple[tuple[str, str, str], ...] = (
    ("Northern Dawn", "الفجر الشمالي", "Северный рассвет"),
    ("Red Harbour", "الميناء الأحمر", "Красная гавань"),
    ("New Valley", "الوادي الجديد", "Новая долина"),
    ("Silent Mountain", "الجبل الصامت", "Тихая гора"),
    ("Iron Bridge", "الجسر الحديدي", "Железный мост"),
    ("Distant Lantern", "الفانوس البعيد", "Далёкий фонарь"),
    ("Seventh River", "النهر السابع", "Седьмая река"),
    ("Grey Orchard", "البستان الرمادي", "Серый сад"),
)
ORGANISATION_TYPES: tuple[tuple[str, str, str], ...] = (
    ("Relief Foundation", "مؤسسة", "Фонд"),
    ("Brigade", "كتيبة", "Бригада"),
    ("Front", "جبهة", "Фронт"),
    ("Trading Company", "شركة", "Компания"),
    ("Network", "شبكة", "Сеть"),
)

# Fictional places of birth (no real town is implied).
BIRTH_PLACES: tuple[str, ...] = (
    "Demo Harbour", "Northvale (fictional)", "Eastbridge (fictional)", "Old Quarry Town",
    "Riverbend (fictional)", "Saltmarsh (fictional)", "Upper Cedar Valley", "Lowfield (fictional)",
)
