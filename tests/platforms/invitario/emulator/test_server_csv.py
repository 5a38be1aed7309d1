"""CSV import: columns map to guest properties and fields; bad rows are reported and skipped."""

from __future__ import annotations

from pathlib import Path

from kiosk.platforms.invitario.emulator import ServerThread
from kiosk.platforms.invitario.emulator.csvimport import column_target, import_csv
from kiosk.platforms.invitario.emulator.store import ServerStore

NOW = "2026-05-01T12:00:00.000000+00:00"

HEADER = "id,Access Code,First Name,last_name,Company,E-Mail,externalId,registrationState,Table,"
GOOD_AND_BAD = (
    HEADER
    + """custom field 2,checkInDateTime
g-1,AAAA2222,Zoë,Núñez,Acme,zoe@acme.example,B1,registered,7,vegan,
,BBBB3333,Søren,O'Brien,,,B2,,,,
g-3,CCCC4444,Bad,Time,,,B3,registered,,,2026-05-01 10:00
g-4,DDDD5555,Too,Few,cells
g-5,aaaa2222,Dup,Code,,,B5,registered,,,
g-6,,No,Codes,,,,registered,,,
g-7,EEEE6666,Odd,State,,,B7,maybe,,,

g-1,FFFF7777,Twice,Same id,,,B8,registered,,,
g-9,,"Badge only, quoted",Łukasz,,,B9,deregistered,,,
"""
)


def _write(tmp_path: Path, text: str, encoding: str = "utf-8") -> Path:
    path = tmp_path / "guests.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_good_rows_import_and_bad_rows_are_reported_by_line(tmp_path: Path) -> None:
    store = ServerStore(tmp_path / "csv.db")
    try:
        report = import_csv(store, _write(tmp_path, GOOD_AND_BAD), lambda: NOW)
        assert report.imported == 3
        problems = "\n".join(report.problems)
        assert len(report.problems) == 6, problems
        assert "line 4: checkInDateTime" in problems
        assert "line 5: 5 cells, but the header has 11" in problems
        assert "line 6: accessCode 'aaaa2222' already belongs to guest g-1" in problems
        assert "line 7: neither accessCode nor externalId" in problems
        assert "line 8: registrationState" in problems
        assert "line 10: id g-1 appears twice" in problems
        assert str(report) == "imported 3 guest(s), 6 problem(s)"

        first = store.get_guest("g-1")
        assert first is not None
        assert first["accessCode"] == "AAAA2222" and first["registrationState"] == "registered"
        assert first["serverUpdateDateTime"] == NOW
        assert first["fields"] == {
            "firstName": "Zoë",
            "lastName": "Núñez",
            "company": "Acme",
            "email": "zoe@acme.example",
            "externalId": "B1",
            "Table": "7",
            "customField2": "vegan",
        }
        second = store.find_by_code("bbbb3333")
        assert second is not None and len(second["id"]) == 36
        assert second["fields"]["lastName"] == "O'Brien" and second["fields"]["company"] is None
        badge_only = store.get_guest("g-9")
        assert badge_only is not None and badge_only["accessCode"] is None
        assert badge_only["fields"]["firstName"] == "Badge only, quoted"
        assert badge_only["registrationState"] == "deregistered"
    finally:
        store.close()


def test_semicolons_windows_1252_and_companions(tmp_path: Path) -> None:
    text = (
        "id;accessCode;firstName;lastName;parentId\r\n"
        "p-1;PPPP2222;Renée;Müller;\r\n"
        "c-1;QQQQ3333;Jörg;Müller;p-1\r\n"
        "c-2;RRRR4444;Early;Bird;p-9\r\n"
    )
    store = ServerStore(tmp_path / "csv.db")
    try:
        report = import_csv(store, _write(tmp_path, text, "cp1252"), lambda: NOW)
        assert report.imported == 2
        assert "not UTF-8" in report.problems[0]
        assert "line 4: parentId: guest p-9 not known" in report.problems[1]
        parent = store.get_guest("p-1")
        assert parent is not None and parent["fields"]["firstName"] == "Renée"
        assert parent["companions"] == [{"id": "c-1"}]
    finally:
        store.close()


def test_empty_file_is_a_problem_not_a_crash(tmp_path: Path) -> None:
    store = ServerStore(tmp_path / "csv.db")
    try:
        report = import_csv(store, _write(tmp_path, ""), lambda: NOW)
        assert report.imported == 0 and "no header row" in report.problems[0]
    finally:
        store.close()


def test_column_names_are_matched_loosely() -> None:
    assert column_target("First name") == ("field", "firstName")
    assert column_target(" ACCESS_CODE ") == ("top", "accessCode")
    assert column_target("customField13") == ("field", "customField13")
    assert column_target("Seat row") == ("field", "Seat row")


def test_server_thread_imports_into_an_empty_database_only(tmp_path: Path) -> None:
    path = _write(tmp_path, GOOD_AND_BAD)
    db = tmp_path / "srv.db"
    first = ServerThread(db, import_csv=path)
    try:
        assert first.seed_report.imported == 3 and len(first.seed_report.problems) == 6
        assert first.store.guest_count() == 3
    finally:
        first.close()
    again = ServerThread(db, import_csv=path, guests=50)
    try:
        assert again.seed_report.imported == 0 and again.seed_report.generated == 0
        assert "already holds 3 guests" in again.seed_report.note
        assert again.store.guest_count() == 3
    finally:
        again.close()
