"""`paramguard iac`: find plaintext-secret SSM parameters in Terraform and CloudFormation.

The verdict is the deployed function's (a String/StringList parameter whose name the
dictionary flags, or whose literal value a value detector flags), made before the write.
"""
