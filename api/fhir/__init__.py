"""FHIR R4 records for CDS Hooks: the code mapping (data), reading a record into a PatientProfile with
the source of every fact, fetching from an EHR's FHIR server, and the cards."""
