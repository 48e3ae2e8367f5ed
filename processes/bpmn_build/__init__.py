"""Generator of the township's BPMN files: the stage blocks, one process per power, and the forms.

Run ``python -m processes.bpmn_build`` to (re)write processes/bpmn/ and processes/forms/;
``python -m processes.bpmn_build --check`` fails when the committed files differ from the generator.
The generated .bpmn and .schema.json files are committed: they are what the engine loads.
"""
