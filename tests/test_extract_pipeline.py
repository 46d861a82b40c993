"""Whole articles in, mentions out (extract.pipeline.extract_article).

Every article here was written for these tests: the places are real, the events invented.
spaCy loads once for this module and each article is extracted once.
"""
from __future__ import annotations

import datetime as dt

import pytest

from incidentwatch.extract.nlp import load_nlp
from incidentwatch.extract.pipeline import extract_article
from incidentwatch.model import Article, Figure

TUESDAY_25_JUNE_2024 = dt.date(2024, 6, 25)


def article(id: str, text: str, published: dt.date | None = TUESDAY_25_JUNE_2024) -> Article:
    """An article whose first line is its headline."""
    return Article(id=id, text=text, title=text.split("\n", 1)[0], published=published)


def the_report(extract, a: Article):
    """The one attack the article reports (its recalled ones aside)."""
    [m] = [m for m in extract(a) if m.role == "reported"]
    return m


@pytest.fixture(scope="module")
def nlp():
    return load_nlp()


@pytest.fixture(scope="module")
def extract(nlp):
    def run(a: Article):
        return extract_article(a, nlp(a.text))
    return run


# --- a short attack report with a recalled earlier attack -----------------------------------------------------

CHECKPOINT_REPORT = article("checkpoint", """\
Gunmen attack traffic police post in Derbent

Three gunmen drove up to a traffic police post on the edge of Derbent, Dagestan, on Sunday evening and sprayed it \
with automatic fire, killing two police officers and wounding four passers-by, the regional interior ministry said.
The three attackers were killed in a firefight that lasted an hour.
The Islamic State claimed responsibility for the attack through its Amaq news agency.
Last December gunmen killed one person in Derbent in a similar attack on a patrol.
""")


@pytest.fixture(scope="module")
def checkpoint_mentions(extract):
    return extract(CHECKPOINT_REPORT)


@pytest.fixture(scope="module")
def reported(checkpoint_mentions):
    [m] = [m for m in checkpoint_mentions if m.role == "reported"]
    return m


@pytest.fixture(scope="module")
def recalled(checkpoint_mentions):
    [m] = [m for m in checkpoint_mentions if m.role == "background"]
    return m


def test_attack_report_yields_one_reported_and_one_background_mention(checkpoint_mentions):
    assert [m.role for m in checkpoint_mentions] == ["reported", "background"]
    assert [m.id for m in checkpoint_mentions] == ["checkpoint#0", "checkpoint#1"]
    assert all(m.article_id == "checkpoint" for m in checkpoint_mentions)


def test_reported_mention_is_dated_by_the_relative_weekday(reported):
    # "on Sunday evening" in an article of Tuesday 25 June 2024
    assert (reported.date, reported.date_end, reported.date_precision) == (dt.date(2024, 6, 23), None, "day")


def test_reported_mention_is_placed_in_the_city_named(reported):
    assert (reported.city, reported.admin1, reported.country) == ("Derbent", "Dagestan", "Russia")
    assert reported.lat == pytest.approx(42.06, abs=0.1)
    assert reported.lon == pytest.approx(48.29, abs=0.1)


def test_reported_mention_uses_gtd_category_names(reported):
    assert reported.attack_types == ["Armed Assault"]
    assert reported.weapon_types == ["Firearms"]
    assert set(reported.target_types) >= {"Police", "Private Citizens & Property"}


def test_reported_mention_counts_victims_and_attackers_apart(reported):
    assert reported.killed == Figure(2, 2, 2)
    assert reported.injured == Figure(4, 4, 4)
    assert reported.killed_perpetrators == Figure(3, 3, 3)


def test_reported_mention_names_the_claimant_as_perpetrator(reported):
    assert reported.claimed_by == ["Islamic State"]
    assert reported.perpetrators == ["Islamic State"]
    [claim] = reported.claims
    assert (claim.status, claim.channel) == ("claimed", "Amaq")


@pytest.mark.parametrize("field", ["date", "place", "attack_types", "target_types", "weapon_types",
                                   "killed", "injured", "killed_perpetrators"])
def test_every_field_has_evidence(reported, field):
    assert any(e.field == field for e in reported.evidence)


def test_evidence_spans_lie_inside_their_sentence(checkpoint_mentions):
    text = CHECKPOINT_REPORT.text
    for m in checkpoint_mentions:
        evidence = m.evidence + [c.evidence for c in m.claims]
        assert evidence
        for e in evidence:
            assert e.article_id == "checkpoint"
            assert 0 <= e.start < e.end <= len(text)
            sentence_at = text.find(e.text)
            assert sentence_at >= 0, f"evidence sentence not in the article: {e.text!r}"
            assert sentence_at <= e.start and e.end <= sentence_at + len(e.text), \
                f"{e.field} span {text[e.start:e.end]!r} outside its sentence {e.text!r}"


@pytest.mark.parametrize("field, said", [
    ("date", "on Sunday evening"),
    ("place", "Derbent"),
    ("killed", "killing two"),
    ("injured", "wounding four"),
])
def test_evidence_span_is_the_words_that_say_it(reported, field, said):
    spans = [CHECKPOINT_REPORT.text[e.start:e.end] for e in reported.evidence if e.field == field]
    assert said in spans


def test_recalled_attack_is_a_background_mention_with_its_own_date(recalled):
    assert recalled.date == dt.date(2023, 12, 1)
    assert recalled.date_end == dt.date(2023, 12, 31)
    assert recalled.date_precision == "month"
    assert recalled.city == "Derbent"
    assert recalled.killed == Figure(1, 1, 1)


def test_recalled_attack_figures_do_not_leak_into_the_reported_one(reported, recalled):
    assert reported.killed.best == 2  # not 1, nor 3
    assert all(f["best"] != 1 for f in reported.figures if f["kind"] == "killed")
    assert not recalled.claims
    assert recalled.injured == Figure()
    assert recalled.killed_perpetrators == Figure()


# --- a bombing with an absolute date, a hedge-free claim and "at least" figures ---------------------------------

MARKET_BOMBING = """\
Suicide bomber strikes market in Kerman

A suicide bomber blew himself up at a crowded market in Kerman, Iran, on March 22, 2024, killing at least 19 \
people and wounding more than 40.
ISKP claimed responsibility for the bombing in a statement on Telegram.
Iranian officials said the bomber had entered the market on foot.
"""


@pytest.fixture(scope="module", params=[dt.date(2024, 3, 23), None], ids=["published", "no publication date"])
def bombing(request, extract):
    mentions = extract(article("market", MARKET_BOMBING, published=request.param))
    assert [m.role for m in mentions] == ["reported"]
    return mentions[0]


def test_bombing_is_dated_by_its_absolute_date_with_or_without_publication_date(bombing):
    assert (bombing.date, bombing.date_precision) == (dt.date(2024, 3, 22), "day")


def test_bombing_types_and_place(bombing):
    assert (bombing.city, bombing.country) == ("Kerman", "Iran")
    assert bombing.attack_types == ["Bombing/Explosion"]
    assert bombing.weapon_types == ["Explosives"]
    assert "Business" in bombing.target_types


def test_bombing_claimant_is_the_khorasan_branch(bombing):
    assert bombing.claimed_by == ["Islamic State – Khorasan Province"]
    assert bombing.perpetrators == ["Islamic State – Khorasan Province"]


def test_at_least_figures_keep_no_maximum_in_the_mention(bombing):
    assert bombing.killed == Figure(min=19, max=None, best=19)
    assert bombing.injured == Figure(min=41, max=None, best=41)


def test_at_least_figures_keep_their_lower_bound_in_the_mention(bombing):
    assert (bombing.killed.min, bombing.killed.best) == (19, 19)
    assert (bombing.injured.min, bombing.injured.best) == (41, 41)


# --- articles that report no attack --------------------------------------------------------------------------------

NOT_ATTACKS = {
    "earthquake": """\
Strong earthquake shakes eastern Turkey

A magnitude 6.1 earthquake struck eastern Turkey on Monday, killing at least 12 people and injuring 80, officials said.
Several buildings collapsed in the town of Malatya and rescuers searched the rubble through the night.
Aftershocks continued into Tuesday morning.
""",
    "gas explosion": """\
Gas explosion destroys apartment block in Makhachkala

A gas explosion tore through a five-storey apartment block in Makhachkala on Saturday, killing four residents and \
injuring nine.
Emergency officials said a gas leak in a basement boiler room caused the blast.
Investigators ruled out terrorism and said the building's gas pipes had not been inspected for years.
""",
    "plane crash": """\
Cargo plane crashes near Novosibirsk

A cargo plane crashed shortly after take-off near Novosibirsk on Tuesday, killing all five crew members.
Aviation investigators said a technical fault in the left engine was the most likely cause and that there was no \
sign of terrorism.
The airline grounded its other aircraft of the same type while the flight recorders are examined.
""",
    "election": """\
Regional election passes quietly in Dagestan

Voters in Dagestan cast ballots on Sunday in a regional election held under heavy security after militant attacks \
in the region last year.
Turnout was 61 percent, the electoral commission said, and counting continued into the night.
Police said there were no attacks or disturbances at polling stations in Derbent.
""",
    "court case": """\
Court jails man over 2019 checkpoint attack

A military court in Rostov-on-Don on Monday sentenced a man to life in prison for his part in a 2019 attack on a \
police checkpoint in Derbent.
Prosecutors said the attack killed two officers and that the man had supplied the gunmen with weapons.
The defendant denied the charges and his lawyer said he would appeal the verdict.
""",
    "arrest": """\
Police detain suspect in Nalchik

Security officers detained a 27-year-old man in Nalchik on Thursday on suspicion of preparing a terrorist attack \
on a shopping centre, the FSB said.
Officers said they found a homemade explosive device, a suicide vest and a pistol in his flat.
The suspect, an alleged supporter of the Islamic State, was arrested without a shot being fired.
""",
    "court case recounting the attack": pytest.param("""\
Gunman jailed for life over Derbent church attack

A court in Rostov-on-Don sentenced a gunman to life in prison on Monday for a 2022 terrorist attack on a church in \
Derbent that killed three worshippers.
The judge said the militant had opened fire on parishioners during an evening service.
The man denied the charges at his trial and his lawyer said he would appeal the verdict.
"""),
}


@pytest.mark.parametrize("text", NOT_ATTACKS.values(), ids=NOT_ATTACKS.keys())
def test_article_that_reports_no_attack_yields_no_mention(extract, text):
    assert extract(article("not-attack", text)) == []


def test_an_article_without_attack_words_is_not_parsed_and_loses_nothing(monkeypatch):
    """The cheap test before the parser: an article it turns away could not have been read as an attack
    report anyway, and the articles come back in the order given, each with its mentions."""
    from incidentwatch.extract import pipeline
    from incidentwatch.extract.relevance import could_report_attack
    from incidentwatch.model import Article

    quiet = Article(id="market", text="The central bank left interest rates unchanged on Tuesday. Exporters "
                                      "welcomed the decision and the currency rose slightly.")
    attack = Article(id="attack", text="Gunmen opened fire on a police checkpoint in the town on Monday night, "
                                       "killing two officers. The attackers then set off a bomb near the "
                                       "station, wounding five people, police said.")
    assert not could_report_attack(quiet.text) and could_report_attack(attack.text)
    parsed = []
    real = pipeline.extract_article
    monkeypatch.setattr(pipeline, "extract_article", lambda a, doc=None: parsed.append(a.id) or real(a, doc))
    out = list(pipeline.extract_articles([quiet, attack, quiet]))
    assert [a.id for a, _ in out] == ["market", "attack", "market"]
    assert parsed == ["attack"]
    assert out[0][1] == [] and out[1][1] == real(attack)


# --- short reports ------------------------------------------------------------------------------------------

def test_a_one_sentence_brief_with_a_toll_is_an_incident(extract):
    """Wire briefs are one sentence: an attack, its place and its toll are enough."""
    [m] = extract(article("brief", "A bomb exploded near a police van in Quetta on Monday, killing 2 people and "
                                   "wounding 5, police said."))
    assert (m.role, m.city, m.date, m.killed.best, m.injured.best) == (
        "reported", "Quetta", dt.date(2024, 6, 24), 2, 5)
    assert "Bombing/Explosion" in m.attack_types


def test_a_brief_of_few_attack_words_passes_the_cheap_test_before_the_parser():
    """Ingest parses only what the cheap test lets through: a brief with one strong attack word and its toll
    must get through it, or it is lost before the parser sees it."""
    from incidentwatch.extract.pipeline import extract_articles

    brief = article("few-words", "Attackers hacked to death 11 farmers in Plateau state on Tuesday, police said.")
    [(_, mentions)] = list(extract_articles([brief]))
    assert [(m.admin1, m.killed.best) for m in mentions] == [("Plateau", 11)]


@pytest.mark.parametrize("text", [
    # one sentence with attack words but no toll told as an attack, or an accident
    "A gas cylinder exploded in a kitchen in Quetta on Monday, killing 2 people, rescue officials said.",
    "Police in Quetta said on Monday they had found a bomb and defused it.",
])
def test_a_one_sentence_item_without_an_attack_and_its_toll_is_not(extract, text):
    assert [m for m in extract(article("not-brief", text)) if m.role == "reported"] == []


@pytest.mark.parametrize("text, city", [
    ("A bomb exploded outside a police station in Aktobe, some 1,500 km west of Astana, the capital, on Monday, "
     "killing two police officers.", "Aktobe"),
    # the counter-example: the reference city is also named plainly as where the attack happened
    ("A bomb exploded outside a police station in Astana on Monday, killing two police officers. Last week a "
     "blast wounded three people in Karaganda, 200 km southeast of Astana.", "Astana"),
])
def test_a_city_named_only_as_a_reference_point_is_not_the_place(extract, text, city):
    m = the_report(extract, article("reference", text))
    assert m.city == city


ROCKETS = article("rockets", """\
Rocket attack on air base near Balad kills contractor
Several rockets struck an Iraqi military base near Balad on Friday evening, killing a civilian contractor and \
wounding four soldiers, officials said.
No group claimed the rocket attack, the third on the base this month.
""")

# the counter-example: a rocket that is no weapon
LAUNCH = article("launch", """\
Rocket explodes on launch pad during test
A rocket exploded on its launch pad in Baikonur on Friday during an engine test, the space agency said.
Nobody was hurt, and the cause of the failure is being investigated, the agency said.
""")


def test_a_rocket_attack_is_a_bombing_with_explosives(extract):
    [m] = [m for m in extract(ROCKETS) if m.role == "reported"]
    assert (m.attack_types, m.weapon_types) == (["Bombing/Explosion"], ["Explosives"])
    assert "Military" in m.target_types


def test_a_rocket_that_fails_at_its_launch_is_no_attack(extract):
    assert [m for m in extract(LAUNCH) if m.role == "reported"] == []


@pytest.mark.parametrize("text", [
    "Gunmen attacked the village of Djibassou in Burkina Faso on Sunday night, killing 23 people, officials said.",
    "Gunmen killed 23 people on Sunday night in Djibassou, a farming village in northern Burkina Faso, officials said.",
    # told as a city
    "A suicide bomber killed 23 people on Sunday night in Tondikiwindi, a city in Tillabéri region, Niger.",
])
def test_a_village_the_gazetteer_lacks_keeps_the_reports_name(extract, text):
    m = the_report(extract, article("village", text))
    town, country = ("Tondikiwindi", "Niger") if "Tondikiwindi" in text else ("Djibassou", "Burkina Faso")
    assert (m.city, m.country, m.lat, m.lon) == (town, country, None, None)
    [place] = [e for e in m.evidence if e.field == "place" and text[e.start:e.end] == town]


@pytest.mark.parametrize("text, city", [
    # counter-examples: a town the gazetteer knows is resolved as any other, with its coordinates ...
    ("Gunmen attacked the town of Gwoza in Borno state on Sunday night, killing 23 people, officials said.", "Gwoza"),
    # ... and a village of an older attack the report recalls is not this one's
    ("Gunmen killed 23 people in an attack on a market in Borno state on Sunday night, officials said. The "
     "gunmen also set fire to shops. In an earlier attack last year the militants burned the village of "
     "Djibassou.", None),
])
def test_only_an_unknown_settlement_of_this_attack_is_kept_unlocated(extract, text, city):
    m = the_report(extract, article("village", text))
    assert (m.city, m.admin1, m.country) == (city, "Borno", "Nigeria")
    assert m.lat is not None


@pytest.mark.parametrize("recalled, city", [
    ("The group is blamed for the 2013 siege of a shopping mall in Nairobi, in which 67 people died.", None),
    # ... also when the sentence tells this attack first
    ("The attack began at dawn on Monday and recalled the 2013 siege of a shopping mall in Nairobi.", None),
    # the counter-example: the same town, named for this attack
    ("The gunmen had driven from Nairobi, in which they had rented a house, police said.", "Nairobi"),
])
def test_a_town_of_an_older_attack_the_sentence_recalls_is_not_the_place(extract, recalled, city):
    text = ("Gunmen kill 15 students at Kenyan college\n"
            "Gunmen stormed a university college in northeastern Kenya on Monday, killing 15 students, officials "
            "said. The attackers shot dead two guards at the gate. " + recalled)
    m = the_report(extract, article("recalled-town", text))
    assert (m.city, m.country) == (city, "Kenya")


LAW_AFTER_ATTACKS = """\
Parliament passes anti-terror law after attacks on tourists
Caption: Deputies debate the anti-terror bill in Rabat, July 24, 2015.
On Saturday parliament approved a new anti-terror law prompted by two deadly attacks on tourists.
Last month a gunman shot dead 12 tourists in the beach town of Agadir, and in March two gunmen killed 9 tourists \
at a museum in Rabat.
Critics said the law could threaten hard-won freedoms.
"""


def test_a_photo_caption_s_date_is_not_the_attacks(extract):
    mentions = extract(article("law", LAW_AFTER_ATTACKS, published=None))
    assert all(m.date != dt.date(2015, 7, 24) for m in mentions)


def test_the_same_date_in_the_body_dates_the_attack(extract):
    # the counter-example: the body tells the attack on that day
    text = LAW_AFTER_ATTACKS.replace("Last month a gunman", "On July 24, 2015, a gunman")
    m = the_report(extract, article("law-body", text, published=None))
    assert m.date == dt.date(2015, 7, 24)


@pytest.mark.parametrize("text, city", [
    ("Gunmen kidnap footballer's father in Colombia\nGunmen on motorbikes kidnapped the father of the Madrid "
     "midfielder outside his home in northern Colombia on Saturday, police said.", None),
    # the counter-example: the same name, a place
    ("Gunmen kidnap businessman in Madrid\nGunmen on motorbikes kidnapped a businessman in Madrid on "
     "Saturday, police said.", "Madrid"),
])
def test_a_town_s_name_that_names_its_team_is_not_the_place(extract, text, city):
    m = the_report(extract, article("team", text))
    assert m.city == city


@pytest.mark.parametrize("text, target", [
    ("Militants kill three border guards\nMilitants attacked a frontier post on Tuesday, killing three border "
     "guards, officials said.", "Military"),
    # the counter-example: border guards who only speak are not the target
    ("Gunmen kill shopkeeper\nGunmen shot dead a shopkeeper in the market of Chaman on Tuesday, border guards "
     "said.", "Business"),
])
def test_border_guards_attacked_are_a_military_target(extract, text, target):
    m = the_report(extract, article("guards", text))
    assert m.target_types == [target]


@pytest.mark.parametrize("text, types", [
    ("Guerrillas kill 18 in jungle town\nGuerrillas killed at least 18 people in a jungle town in central Peru on "
     "Sunday night, the army said.", ["Armed Assault"]),
    # the counter-example: what the guerrillas did says what the attack was
    ("Guerrillas bomb oil pipeline\nGuerrillas bombed an oil pipeline in northern Colombia on Sunday night, "
     "killing two workers, the army said.", ["Bombing/Explosion"]),
])
def test_a_killing_by_guerrillas_is_an_armed_assault_only_when_nothing_else_says_what_it_was(extract, text, types):
    m = the_report(extract, article("guerrillas", text))
    assert m.attack_types == types


def test_another_attack_told_separately_does_not_date_the_report(extract):
    text = ("Suicide bomber killed at checkpoint in Sinai\n"
            "A suicide bomber was shot dead at an army checkpoint in Arish, Egypt, on Monday, killing two "
            "soldiers as his vest went off, the army said.\n"
            "Separately, militants beheaded four men on Sunday near Rafah, tribal sources said.")
    mentions = [m for m in extract(article("separately", text)) if m.role == "reported"]
    assert mentions[0].date == dt.date(2024, 6, 24)  # Monday, not the other attack's Sunday
    assert [m.date for m in mentions[1:]] == [dt.date(2024, 6, 23)]


@pytest.mark.parametrize("text, country", [
    ("Gunmen kidnap four from resort\nGunmen kidnapped four people, a Norwegian and two Canadians among them, from a "
     "Philippine resort late on Monday, police said. The gunmen fled by boat with the hostages, police said.",
     "Philippines"),
    # the counter-example: the nationality of a thing attacked, with no other place, is the place given
    ("Gunmen attack Norwegian ship\nGunmen attacked a Norwegian ship late on Monday, killing two sailors, the "
     "owners said. The gunmen fled by boat, police said.", "Norway"),
])
def test_a_nationality_said_of_people_is_not_the_place(extract, text, country):
    m = the_report(extract, article("nationals", text))
    assert m.country == country


RAMMING = article("ramming", """\
Two dead in car-ramming attack on market in Lyon
A man drove his car into a crowd of shoppers at an open-air market in Lyon on Monday, killing two people and \
injuring eleven, police said.
Witnesses said the car ploughed through the stalls for about a hundred metres before it stopped.
Prosecutors opened a terrorism investigation into the car attack and said the driver had been arrested.
""")

# the counter-example: the same verbs, told as an accident
CRASH = article("crash", """\
Two dead as car crashes into market crowd in Lyon
A car crashed into a crowd of shoppers at an open-air market in Lyon on Monday, killing two people and injuring \
eleven, after its elderly driver lost control, police said.
Witnesses said the car ploughed through the stalls before it stopped.  Police said it was an accident.
""")


def test_a_car_driven_into_a_crowd_and_called_an_attack_is_a_vehicle_attack(extract):
    [m] = [m for m in extract(RAMMING) if m.role == "reported"]
    assert (m.city, m.killed.best, m.injured.best) == ("Lyon", 2, 11)
    assert (m.attack_types, m.weapon_types) == (["Unarmed Assault"], ["Vehicle"])


def test_a_car_that_crashes_into_a_crowd_by_accident_is_no_incident(extract):
    assert [m for m in extract(CRASH) if m.role == "reported"] == []


@pytest.mark.parametrize("text, city", [
    ("Gunmen attacked a village near Gwoza in Borno state on Sunday, killing 15 people. Hundreds of survivors "
     "fled to Maiduguri, where officials said they were being housed in camps.", "Gwoza"),
    ("A suicide bomber blew himself up at a checkpoint in Mastung on Monday, killing six policemen. The wounded "
     "were taken to hospitals in Quetta, police said.", "Mastung"),
    # counter-example: the same verbs, where the attackers went is where the attack happened
    ("Gunmen who drove into Maiduguri on Sunday opened fire on a market, killing 15 people.", "Maiduguri"),
])
def test_the_place_is_where_the_attack_happened_not_where_people_fled_or_were_treated(extract, text, city):
    m = the_report(extract, article("refuge", text))
    assert m.city == city


@pytest.mark.parametrize("text, city, country", [
    # a town named only as where the wounded went is not the place; the country still is
    ("Rebels attacked a remote farming village on Sunday night, killing nine people, and the wounded were flown "
     "to hospitals in Lima, Peru, the army said.", None, "Peru"),
    # a dateline town gives way to the town another sentence names plainly
    ("KAMPALA, Uganda -- Rebels attacked a boarding school on Friday night, killing 20 pupils, officials said.\n"
     "The school lies in the town of Kasese, near the border.", "Kasese", "Uganda"),
    # counter-examples: a dateline alone is kept (wire copy often names the place only there), and so is a
    # town the attack is placed in
    ("QUETTA, Pakistan -- A bomb exploded near a police van on Monday, killing two officers, police said.",
     "Quetta", "Pakistan"),
    ("Gunmen opened fire on a bus in the south of Quetta, Pakistan, on Monday, killing four passengers, police said.",
     "Quetta", "Pakistan"),
])
def test_a_landmark_or_a_dateline_is_not_the_place_when_the_report_names_another(extract, text, city, country):
    m = the_report(extract, article("landmark", text))
    assert (m.city, m.country) == (city, country)


def test_a_town_qualified_by_its_country_is_that_country_s_town(extract):
    """"Kabul airport in Afghanistan", though the article keeps naming another country's soldiers."""
    [m] = extract(article("qualified", "Blast at Kabul airport kills 13 US soldiers\nA suicide bomber struck outside "
                                       "the Kabul airport in Afghanistan on Thursday, killing 13 U.S. soldiers, U.S. "
                                       "officials said. The United States said its evacuation flights would go on."))
    assert (m.city, m.country) == ("Kabul", "Afghanistan")


def test_an_ambush_is_an_armed_assault_and_its_roadside_bomb_a_bombing(extract):
    """GTD codes an ambush with guns as an armed assault; one sprung with a bomb is a bombing as well."""
    [m] = extract(article("ambush", "Rebels ambush army patrol in Ifugao\nRebels ambushed an army patrol near "
                                    "Tinoc in Ifugao province on Monday, killing eleven soldiers, the army said."))
    assert m.attack_types == ["Armed Assault"]
    [m] = extract(article("bomb-ambush", "Militants ambush convoy with roadside bomb\nMilitants ambushed a "
                                         "police convoy with a roadside bomb near Quetta on Monday, killing four "
                                         "officers, police said."))
    assert set(m.attack_types) == {"Armed Assault", "Bombing/Explosion"}


@pytest.mark.parametrize("text, country", [
    # the country the attack lies beside is not its country
    ("Militants kidnap 12 border guards close to Pakistan\nMilitants on Tuesday kidnapped 12 Iranian border guards "
     "close to the frontier with Pakistan, Iranian media said.", "Iran"),
    # counter-example: the country it is in, near another's border, stays
    ("Gunmen attacked a police post in Pakistan near the border with Afghanistan on Monday, killing three "
     "policemen, officials said.", "Pakistan"),
])
def test_a_country_the_attack_lies_beside_is_not_its_country(extract, text, country):
    m = the_report(extract, article("beside", text))
    assert m.country == country


@pytest.mark.parametrize("text, city, country", [
    # the nationality of foreign victims is not the place
    ("Suicide attack kills three Chinese teachers\nA woman suicide bomber blew herself up beside a van carrying "
     "three Chinese teachers on Tuesday, killing them and their driver, police said.", None, None),
    # counter-example: a nationality said of forces at home still points to the country
    ("Militants ambush Iranian border guards\nMilitants ambushed a patrol of Iranian border guards on Tuesday, "
     "killing four of them, officials said.", None, "Iran"),
])
def test_the_nationality_of_foreign_victims_is_not_the_place(extract, text, city, country):
    m = the_report(extract, article("nationals", text))
    assert (m.city, m.country) == (city, country)


def test_a_photo_caption_does_not_place_the_attack(extract):
    text = ("Twin bombings kill dozens in Kerman\nKerman, Iran - Twin bombings killed at least 80 people at a "
            "ceremony in Kerman on Wednesday, officials said.\n"
            "Mourners gathered outside the Iranian embassy in Paris after the attack. \u00a9 Jane Doe / AFP\n"
            "The attack was the deadliest in the country in years, officials said.")
    m = the_report(extract, article("caption", text))
    assert m.city == "Kerman"


def test_a_caption_needs_its_mark_and_a_photo_of_the_attacker_is_no_caption():
    from incidentwatch.extract.sentences import caption_lines
    assert caption_lines("The blast site on Friday. (Photo: J. Doe/AFP)\nMore text.") == [(0, 45)]
    assert caption_lines("PHOTO/ALEX ASHABA") == [(0, 17)]
    # counter-examples: the words without a caption's form
    assert caption_lines("Police released a photo of the attacker on Friday.") == []
    assert caption_lines("The minister told Reuters the attack was planned.") == []


@pytest.mark.parametrize("text, recalls", [
    ("In an earlier kidnapping the group held its hostages in Pakistan.", True),
    ("The village had been attacked in a previous raid by the same rebels.", True),
    ("Two years ago the group bombed a market in the town.", True),
    # counter-examples: "earlier" of the same day is the news
    ("Earlier on Tuesday gunmen opened fire on a checkpoint in Quetta.", False),
    ("The group claimed the attack earlier today.", False),
])
def test_a_sentence_that_recalls_an_earlier_attack(text, recalls):
    from incidentwatch.extract.sentences import Sentence
    from incidentwatch.extract.where import recalls_earlier
    assert recalls_earlier(Sentence(0, 0, len(text), text)) is recalls


def test_a_province_in_a_group_s_name_is_not_a_place(extract):
    """"Islamic State in Khorasan Province" names a group; it does not put the attack in a Khorasan."""
    text = ("Suicide bomber kills 12 at Kabul checkpoint\nA suicide bomber killed 12 people at a checkpoint in "
            "Kabul, Afghanistan, on Thursday. The Islamic State in Khorasan Province claimed the attack.")
    m = the_report(extract, article("group-place", text))
    assert (m.city, m.country) == ("Kabul", "Afghanistan")


# --- a roundup: another attack told after the article's own -------------------------------------------------

ROUNDUP = ("Gunmen kill three policemen at checkpoint in Quetta\n\n"
           "Gunmen opened fire on a police checkpoint in Quetta, Pakistan, on Monday, killing three officers and "
           "wounding two, police said. The attackers fled on motorcycles.\n\n"
           "Separately, a roadside bomb killed two soldiers near Bannu on Sunday, the army said. "
           "The soldiers were on a foot patrol.\n\n"
           "Police in Quetta said they had opened an investigation into the checkpoint attack.")


def test_a_roundup_s_other_attack_is_an_incident_of_its_own(extract):
    """'Separately, a roadside bomb killed two soldiers near Bannu on Sunday': its own day and town, its own
    toll, and the paragraph's next sentence with it; the article's own attack keeps its figures."""
    reported = {m.city: m for m in extract(article("roundup", ROUNDUP)) if m.role == "reported"}
    assert set(reported) == {"Quetta", "Bannu"}
    assert reported["Quetta"].date == dt.date(2024, 6, 24) and reported["Quetta"].killed.best == 3
    other = reported["Bannu"]
    assert other.date == dt.date(2024, 6, 23) and other.killed.best == 2 and other.injured.best is None
    assert "Military" in other.target_types and "Police" not in other.target_types


@pytest.mark.parametrize("sentence", [
    "Separately, police said the death toll had risen to five.",  # the same attack: no attack told
    "Separately, the interior minister visited the wounded in hospital on Sunday.",  # no attack word
    "In another blow to the government, the finance minister resigned on Sunday.",  # the opener only
    "Separately, gunmen also fired on a second police post in Quetta on Monday, killing one officer.",  # own day, own town
])
def test_what_follows_separately_stays_with_the_article_s_attack_unless_it_tells_another(extract, sentence):
    text = ("Gunmen opened fire on a police checkpoint in Quetta, Pakistan, on Monday, killing three officers, "
            "police said. The attackers fled on motorcycles.\n\n" + sentence)
    assert [m.city for m in extract(article("not-another", text)) if m.role == "reported"] == ["Quetta"]


@pytest.mark.parametrize("sentence, killed", [
    # an older attack the group is known for: its toll is not this attack's
    ("The group has previously claimed two bombings in the capital that killed dozens.", None),
    ("The rebels had previously attacked a convoy in the same valley, killing 11 soldiers.", None),
    # counter-example: a new group's first claim tells this attack's toll
    ("A previously unknown group claimed the bombing, which killed four people.", 4),
])
def test_a_toll_the_article_gives_of_an_attack_done_before_is_not_this_one_s(extract, sentence, killed):
    text = ("Bomb hits police van in Mardan\n\nA bomb exploded beside a police van in Mardan, Pakistan, on "
            "Monday, wounding six officers, police said.\n\n" + sentence)
    (m,) = [m for m in extract(article("previously", text)) if m.role == "reported"]
    assert m.killed.best == killed and m.injured.best == 6


@pytest.mark.parametrize("verb", ["setting fire to", "set fire to", "torching"])
def test_an_attack_that_burns_homes_is_a_facility_attack_with_fire_in_any_form_of_the_verb(extract, verb):
    text = ("Gunmen raid village in Borno\n\nGunmen raided a village in Borno state, Nigeria, on Monday, shooting "
            f"dead nine farmers and {verb} dozens of homes, residents said.")
    (m,) = [m for m in extract(article("burned", text)) if m.role == "reported"]
    assert {"Armed Assault", "Facility/Infrastructure Attack"} <= set(m.attack_types)
    assert {"Firearms", "Incendiary"} <= set(m.weapon_types)


def test_a_fire_the_attack_did_not_set_is_no_incendiary_weapon(extract):
    """Counter-example: the words of arson, not a fire that merely followed a blast."""
    text = ("Car bomb hits Mogadishu market\n\nA car bomb exploded at a market in Mogadishu, Somalia, on Monday, "
            "killing six people, police said. Shopkeepers said the blast shattered windows along the street.")
    (m,) = [m for m in extract(article("blast", text)) if m.role == "reported"]
    assert "Incendiary" not in m.weapon_types and "Facility/Infrastructure Attack" not in m.attack_types


@pytest.mark.parametrize("lead, types", [
    # the word for the attackers says who, the seizing says what the attack was
    ("Gunmen abducted four foreign tourists from a beach resort near Sandakan, Malaysia, on Monday night, police said.",
     ["Hostage Taking (Kidnapping)"]),
    # counter-example: nothing else names the attack, so the gunmen's attack is an armed assault
    ("Gunmen killed a farmer and his son near Sandakan, Malaysia, on Monday night, police said.", ["Armed Assault"]),
])
def test_gunmen_make_an_armed_assault_only_when_nothing_else_names_the_attack(extract, lead, types):
    text = "Attack near Sandakan\n\n" + lead + " The attackers escaped by boat."
    (m,) = [m for m in extract(article("gunmen", text)) if m.role == "reported"]
    assert m.attack_types == types


@pytest.mark.parametrize("sentence, claimants", [
    ("An Islamist group claimed responsibility for the attack in a statement.", []),
    ("The Makran Freedom Brigade claimed responsibility for the attack in a statement.", ["Makran Freedom Brigade"]),
])
def test_a_claim_by_a_group_described_but_not_named_names_no_claimant(extract, sentence, claimants):
    text = ("Bomb hits police van in Mardan\n\nA bomb exploded beside a police van in Mardan, Pakistan, on Monday, "
            "wounding six officers, police said. " + sentence)
    (m,) = [m for m in extract(article("described", text)) if m.role == "reported"]
    assert [c.actor for c in m.claims if c.status == "claimed"] == claimants


@pytest.mark.parametrize("where, town", [
    # the town beside the city it is placed by is the place, even some way off
    ("near the town of Bama, some 70 km southeast of Maiduguri, in Borno state", "Bama"),
    # counter-example: the city named plainly as where it happened, the smaller town only where people fled
    ("in Maiduguri, the capital of Borno state, and survivors fled to Bama", "Maiduguri"),
])
def test_a_city_given_as_the_reference_point_of_a_town_is_not_the_place(extract, where, town):
    text = (f"Gunmen attack market in Borno\n\nGunmen opened fire on a market {where}, Nigeria, on Monday, "
            "killing seven traders, police said.")
    (m,) = [m for m in extract(article("reference", text)) if m.role == "reported"]
    assert m.city == town
