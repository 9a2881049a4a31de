"""What a transaction changed that events must tell, noted as it is written."""
